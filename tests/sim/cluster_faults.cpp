// The chaos the simulation injects every half second of simulated time:
// partitions (isolate one, minority/majority, random sides, one-way cuts),
// crashes (clean or during a write), pauses, membership churn, compaction
// at random moments (not a fault, so also while healing), and the
// bonds that form and break as a consequence.

#include "actors/core/raft/config_change.hpp"
#include "actors/core/raft/quorum.hpp"
#include "tests/sim/cluster.hpp"

#include <algorithm>

namespace mosaik::sim {

namespace {

constexpr sim_time chaos_ms = 500;
constexpr sim_time bond_timeout_ms = 5000; // max_missed_heartbeats x heartbeat

} // namespace

void cluster::on_chaos() {
  schedule(now_ + chaos_ms, event::kind::chaos);
  if (!chaos_on_ && !healing_) {
    auto l = leader();
    bool formed = l && nodes_[*l]->raft->current_config().voters.size() == report_.voters;
    chaos_on_ = formed || now_ >= 20'000;
  }
  if (chaos_on_ && !healing_) {
    chaos_partitions();
    chaos_crashes();
    chaos_pauses();
    chaos_churn();
    chaos_leader();
  }
  chaos_compact();
  update_bonds();
}

bool cluster::connected(std::size_t from, std::size_t to) const {
  return side_[from] == side_[to] && !one_way_.contains({from, to});
}

void cluster::chaos_partitions() {
  bool active = !one_way_.empty() || std::any_of(side_.begin(), side_.end(), [](int s) { return s; });
  if (active) {
    if (now_ >= heal_at_) {
      std::fill(side_.begin(), side_.end(), 0);
      one_way_.clear();
      note("heal");
    }
    return;
  }
  if (!profile_.partitions || !rng_.chance(0.05))
    return;
  ++report_.faults.partitions;
  auto n = nodes_.size();
  switch (rng_.below(4)) {
    case 0: // isolate one node
      side_[rng_.below(n)] = 1;
      break;
    case 1: // a minority against a majority
      for (std::size_t k = 0, m = 1 + rng_.below(std::max<std::size_t>(1, (n - 1) / 2)); k < m; ++k)
        side_[rng_.below(n)] = 1;
      break;
    case 2: // random sides
      for (auto& s : side_)
        s = static_cast<int>(rng_.below(3));
      break;
    default: // one-way cuts
      for (std::size_t k = 0, m = 1 + rng_.below(n); k < m; ++k)
        one_way_.insert({rng_.below(n), rng_.below(n)});
      break;
  }
  heal_at_ = now_ + rng_.between(4000, 20000);
  trace_.add(3000 + heal_at_);
  note("partition until " + std::to_string(heal_at_));
}

std::optional<std::size_t> cluster::pick(std::function<bool(const sim_node&)> pred) {
  std::vector<std::size_t> candidates;
  for (const auto& n : nodes_)
    if (pred(*n))
      candidates.push_back(n->idx);
  if (candidates.empty())
    return std::nullopt;
  return candidates[rng_.below(candidates.size())];
}

void cluster::chaos_crashes() {
  for (auto& n : nodes_)
    if (n->state == node_state::crashed && now_ >= n->restart_at)
      restart(*n);
  if (!profile_.crashes || !rng_.chance(0.04))
    return;
  auto victim = pick([&](const sim_node& n) { return n.up() && !n.crash_on_persist; });
  if (!victim)
    return;
  auto& n = *nodes_[*victim];
  if (rng_.chance(0.5)) {
    n.crash_on_persist = true; // crashes inside its next write
  } else {
    ++report_.faults.crashes;
    crash(n, 0);
  }
}

void cluster::chaos_leader() {
  // Keep a majority of the voters up, as MIT 6.824's Figure 8 test does.
  std::size_t up = 0;
  for (const auto& n : nodes_)
    up += n->up() && !n->observer ? 1 : 0;
  if (!profile_.leader_churn || up > report_.voters / 2 + 1)
    return;
  if (auto down = pick([](const sim_node& n) { return n.state == node_state::crashed; }))
    restart(*nodes_[*down]);
}

void cluster::on_leader_append(sim_node& n) {
  // The leader just sent entries: crash it a few milliseconds later, or
  // inside its next write so that its newest entries are durable on it
  // alone (Figure 8's S1 and S5; MIT 6.824's Figure 8 test).
  if (!chaos_on_ || healing_ || !profile_.leader_churn || !rng_.chance(profile_.leader_crash))
    return;
  if (rng_.chance(0.5))
    n.crash_on_persist = true;
  else
    schedule(now_ + rng_.below(14), event::kind::crash, n.idx, n.tick_epoch);
}

void cluster::on_crash(std::size_t i, std::uint64_t epoch) {
  auto& n = *nodes_[i];
  if (!n.up() || n.tick_epoch != epoch || healing_)
    return;
  ++report_.faults.leader_crashes;
  crash(n, 0);
  n.restart_at = now_ + rng_.below(4000);
}

void cluster::chaos_pauses() {
  if (!profile_.pauses || !rng_.chance(0.03))
    return;
  // Half the pauses hit the leader: a deposed leader that resumes is where
  // stale reads come from.
  auto l = leader();
  auto victim = l && rng_.chance(0.5) ? l : pick([&](const sim_node& n) {
    return n.up() && !n.paused(now_);
  });
  if (!victim)
    return;
  ++report_.faults.pauses;
  nodes_[*victim]->paused_until = now_ + rng_.between(2000, 10000);
  trace_.add(4000 + *victim);
  note("pause " + nodes_[*victim]->name());
}

bool cluster::member_anywhere(const raft::node_id& id) const {
  return std::any_of(nodes_.begin(), nodes_.end(), [&](const auto& n) {
    return n->up() && raft::is_member(n->raft->current_config(), id);
  });
}

bool cluster::may_lose_member(const sim_node& n) const {
  // Keep the group able to recover: one lost member at a time (a wiped
  // node's old identity counts until it is removed), none while another
  // node is down, and a majority of the voters must stay.
  for (const auto& old : retired_)
    if (member_anywhere(old))
      return false;
  for (const auto& other : nodes_) {
    if (other->permanent && member_anywhere(other->id))
      return false;
    if (other->state == node_state::crashed)
      return false;
  }
  auto l = leader();
  if (!l)
    return false;
  const auto& voters = nodes_[*l]->raft->current_config().voters;
  std::size_t staying = 0;
  for (const auto& v : voters)
    for (const auto& other : nodes_)
      if (other->id == v && other->idx != n.idx && !other->permanent)
        ++staying;
  return staying >= raft::majority(voters.size());
}

void cluster::chaos_churn() {
  if (!profile_.churn || !rng_.chance(0.03))
    return;
  switch (rng_.below(4)) {
    case 0: { // a new node joins
      auto spare = pick([](const sim_node& n) { return n.state == node_state::spare; });
      if (!spare)
        return;
      ++report_.faults.joins;
      start(*nodes_[*spare]);
      return;
    }
    case 1: { // a graceful departure
      auto leaving = pick([&](const sim_node& n) { return n.up() && may_lose_member(n); });
      if (!leaving)
        return;
      auto& n = *nodes_[*leaving];
      ++report_.faults.departures;
      for (auto& other : nodes_) {
        if (other->up() && other->bonds.erase(n.idx)) {
          other->raft->peer_departed(n.id);
          drain(*other);
        }
      }
      crash(n, n.store.pending_writes());
      n.state = node_state::gone;
      n.permanent = true;
      note("depart " + n.name());
      return;
    }
    case 2: { // a silent death
      auto dying = pick([&](const sim_node& n) { return n.up() && may_lose_member(n); });
      if (!dying)
        return;
      auto& n = *nodes_[*dying];
      ++report_.faults.deaths;
      crash(n, 0);
      n.state = node_state::gone;
      n.permanent = true;
      note("death " + n.name());
      return;
    }
    default: { // a gone node comes back, half the time with its data wiped
      auto back = pick([](const sim_node& n) { return n.state == node_state::gone; });
      if (!back)
        return;
      auto& n = *nodes_[*back];
      ++report_.faults.rejoins;
      if (rng_.chance(0.5))
        wipe(n);
      ++n.incarnation;
      start(n);
      note("rejoin " + n.name());
      return;
    }
  }
}

void cluster::update_bonds() {
  for (auto& a : nodes_) {
    if (!a->up() || a->paused(now_))
      continue;
    for (const auto& b : nodes_) {
      if (a->idx == b->idx)
        continue;
      bool want = b->up() && !b->paused(now_) && connected(a->idx, b->idx)
                  && connected(b->idx, a->idx);
      bool has = a->bonds.contains(b->idx);
      if (want) {
        a->bond_down_since.erase(b->idx);
        if (!has) {
          a->bonds.insert(b->idx);
          a->raft->peer_joined({b->id, b->raft->lineage(), b->observer});
        }
      } else if (has) {
        auto since = a->bond_down_since.emplace(b->idx, now_).first->second;
        if (now_ - since >= bond_timeout_ms) {
          a->bonds.erase(b->idx);
          a->bond_down_since.erase(b->idx);
          a->raft->peer_lost(b->id);
        }
      }
    }
    drain(*a);
  }
}

void cluster::heal_all() {
  std::fill(side_.begin(), side_.end(), 0);
  one_way_.clear();
  profile_.drop = 0;
  profile_.duplicate = 0;
  for (auto& n : nodes_) {
    n->paused_until = 0;
    n->crash_on_persist = false;
    if (n->state == node_state::crashed)
      restart(*n);
  }
  note("heal all");
}

} // namespace mosaik::sim
