#include "tests/unit/raft/test_cluster.hpp"

namespace mosaik::raft::testing {

test_cluster::test_cluster(std::uint8_t n, std::function<void(config&)> tweak) {
  for (std::uint8_t i = 1; i <= n; ++i) {
    auto& t = nodes_[nid(i)];
    t.cfg.id = nid(i);
    t.cfg.rng_seed = i;
    if (tweak)
      tweak(t.cfg);
    auto created = raw_node::create(t.cfg, t.store);
    t.node.emplace(std::move(*created));
  }
  for (auto& [id, t] : nodes_)
    for (auto& [other, o] : nodes_)
      if (id != other)
        t.node->peer_joined(
          {other, {}, o.cfg.preference.is_observer(), o.cfg.preference.is_reluctant()});
}

void test_cluster::process(test_node& t) {
  while (t.node->has_ready()) {
    auto rd = t.node->take_ready();
    if (rd.snapshot)
      (void)t.store.reset_to_snapshot(*rd.snapshot);
    if (!rd.entries.empty())
      (void)t.store.append(rd.entries);
    if (rd.hard)
      (void)t.store.save_hard_state(*rd.hard);
    if (rd.config)
      (void)t.store.save_configuration(*rd.config);
    t.store.sync();
    for (auto& m : rd.messages) {
      if (hold.contains(m.from))
        held.push_back(std::move(m));
      else
        queue_.push_back(std::move(m));
    }
    t.applied.insert(t.applied.end(), rd.committed_entries.begin(), rd.committed_entries.end());
    t.proposals.insert(t.proposals.end(), rd.proposals.begin(), rd.proposals.end());
    t.reads.insert(t.reads.end(), rd.reads.begin(), rd.reads.end());
    t.errors.insert(t.errors.end(), rd.errors.begin(), rd.errors.end());
    if (rd.snapshot_needed)
      t.snapshot_needed = rd.snapshot_needed;
    t.node->advance();
  }
}

bool test_cluster::deliverable(const message& m) const {
  auto it = nodes_.find(m.to);
  return it != nodes_.end() && !it->second.crashed && !cut_.contains({m.from, m.to})
         && !(drop && drop(m));
}

void test_cluster::stabilize() {
  for (int round = 0; round < 10000; ++round) {
    for (auto& [id, t] : nodes_)
      if (!t.crashed)
        process(t);
    if (queue_.empty())
      return;
    auto batch = std::move(queue_);
    queue_.clear();
    for (auto& m : batch) {
      if (rewrite)
        rewrite(m);
      if (!deliverable(m))
        continue;
      sent.push_back(m);
      nodes_.at(m.to).node->step(m);
    }
  }
}

void test_cluster::tick(std::uint8_t n, std::uint32_t ticks) {
  for (std::uint32_t k = 0; k < ticks; ++k) {
    at(n).node->tick();
    stabilize();
  }
}

void test_cluster::tick_all(std::uint32_t ticks) {
  for (std::uint32_t k = 0; k < ticks; ++k) {
    for (auto& [id, t] : nodes_)
      if (!t.crashed)
        t.node->tick();
    stabilize();
  }
}

std::optional<std::uint8_t> test_cluster::leader() const {
  std::optional<std::uint8_t> out;
  for (const auto& [id, t] : nodes_)
    if (!t.crashed && t.node->status().soft.role == role::leader)
      out = id.raw()[0];
  return out;
}

bool test_cluster::form_group(std::size_t voters, std::uint32_t max_ticks) {
  for (std::uint32_t k = 0; k < max_ticks; ++k) {
    tick_all(1);
    auto l = leader();
    if (!l)
      continue;
    auto& lead = node(*l);
    if (lead.current_config().voters.size() != voters)
      continue;
    bool done = true;
    for (const auto& [id, t] : nodes_)
      if (!t.crashed && t.node->applied() != lead.committed())
        done = false;
    if (done && lead.committed() == lead.status().last_index)
      return true;
  }
  return false;
}

void test_cluster::isolate(std::uint8_t n) {
  for (const auto& [id, t] : nodes_) {
    if (id == nid(n))
      continue;
    cut_.insert({nid(n), id});
    cut_.insert({id, nid(n)});
  }
}

void test_cluster::cut(std::uint8_t a, std::uint8_t b) {
  cut_.insert({nid(a), nid(b)});
  cut_.insert({nid(b), nid(a)});
}

void test_cluster::crash(std::uint8_t n) {
  auto& t = at(n);
  t.store.crash();
  t.node.reset();
  t.crashed = true;
}

void test_cluster::restart(std::uint8_t n) {
  auto& t = at(n);
  auto created = raw_node::create(t.cfg, t.store, t.store.snapshot().index);
  t.node.emplace(std::move(*created));
  t.applied.clear();
  t.crashed = false;
  for (auto& [other, o] : nodes_)
    if (other != nid(n))
      t.node->peer_joined({other, {}, o.cfg.preference.is_observer()});
}

} // namespace mosaik::raft::testing
