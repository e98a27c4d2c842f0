// A simulated node handles its ready batches exactly as the group actor
// will: persist (one durable write), send, apply, then advance. Crashes
// lose whatever was not synced.

#include "actors/core/raft/config_change.hpp"
#include "actors/core/raft/quorum.hpp"
#include "schemas/codec/raft_codec.hpp"
#include "tests/sim/cluster.hpp"

namespace mosaik::sim {

void cluster::start(sim_node& n) {
  auto snap = n.store.snapshot();
  auto created = raft::raw_node::create(node_config(n), n.store, snap.index);
  if (!created)
    return violation("storage: " + n.name() + " cannot restart: " + created.error().detail);
  n.raft.emplace(std::move(*created));
  if (snap.index != 0 && !n.snapshots.contains(snap.index))
    return violation("sim: " + n.name() + " lost the state of its snapshot");
  n.kv = snap.index == 0 ? kv_machine{} : n.snapshots.at(snap.index);
  n.kv_applied = snap.index;
  n.soft = n.raft->status().soft;
  n.commit = n.raft->committed();
  n.state = node_state::alive;
  n.permanent = false;
  n.bonds.clear();
  n.bond_down_since.clear();
  n.offered.reset();
  n.fetches.clear();
  ++n.tick_epoch;
  schedule(now_ + 1 + rng_.below(tick_ms), event::kind::tick, n.idx, n.tick_epoch);
  checker_.on_applied(key(n), n.incarnation, n.kv_applied, n.name());
  note("start " + n.name());
}

void cluster::drain(sim_node& n) {
  // No input makes more than a handful of readies (committed entries come
  // in batches of max_apply_bytes): a node still ready after this many is
  // stuck, and spinning on would hide the seed until the ctest timeout.
  constexpr std::size_t max_readies = 10000;
  for (std::size_t k = 0; report_.ok && n.up() && n.raft->has_ready(); ++k) {
    if (k == max_readies)
      return violation("ready loop: " + n.name() + " still has a ready after "
                       + std::to_string(max_readies) + " in one drain");
    auto rd = n.raft->take_ready();
    if (!persist(n, rd))
      return; // crashed while persisting: nothing was sent or applied
    observe(n, rd);
    for (auto& m : rd.messages)
      send(n, std::move(m));
    apply(n, rd);
    events(n, rd);
    if (!n.up())
      return;
    n.raft->advance();
    maybe_compact(n);
  }
}

bool cluster::persist(sim_node& n, const raft::ready& rd) {
  auto check = [&](const raft::storage_result<bool>& r) {
    if (!r)
      violation("storage: " + n.name() + ": " + r.error().detail);
  };
  if (rd.snapshot)
    check(n.store.reset_to_snapshot(*rd.snapshot));
  if (!rd.entries.empty())
    check(n.store.append(rd.entries));
  if (rd.hard)
    check(n.store.save_hard_state(*rd.hard));
  if (rd.config)
    check(n.store.save_configuration(*rd.config));
  if (n.crash_on_persist && n.store.pending_writes() > 0) {
    // Power fails during the write: some prefix of it may have landed.
    ++report_.faults.persist_crashes;
    bool leader = n.soft.role == raft::role::leader;
    crash(n, rng_.below(n.store.pending_writes() + 1));
    if (leader && profile_.leader_churn)
      n.restart_at = now_ + rng_.below(4000);
    return false;
  }
  n.store.sync();
  checker_.on_durable(key(n), n.store.initial_hard_state(), n.name());
  return true;
}

void cluster::observe(sim_node& n, const raft::ready& rd) {
  checker_.on_entries(key(n), n.store, rd.entries, n.name());
  if (!rd.entries.empty() && n.soft.role == raft::role::leader)
    on_leader_append(n);
  if (rd.hard && rd.hard->commit > n.commit) {
    checker_.on_commit(key(n), n.store, n.commit, rd.hard->commit, rd.hard->term, n.name());
    n.commit = rd.hard->commit;
    if (n.soft.role == raft::role::leader)
      check_commit_safe(n, n.commit);
    trace_.add(n.idx);
    trace_.add(n.commit);
  }
  if (rd.soft) {
    n.soft = *rd.soft;
    trace_.add(n.idx + 1000);
    trace_.add(static_cast<std::uint64_t>(n.soft.role));
    trace_.add(n.soft.term);
    if (n.soft.role == raft::role::leader) {
      checker_.on_leader(key(n), n.soft.term, n.store, n.store.last_index(), n.name());
      ++report_.elections;
      if (last_leader_ != n.id)
        ++report_.leader_changes;
      last_leader_ = n.id;
      note(n.name() + " leads term " + std::to_string(n.soft.term));
    }
  }
  for (const auto& e : rd.errors) {
    if (e.code == raft::raft_errc::split_bootstrap)
      violation("bootstrap: the group split: " + e.detail);
    else
      violation("storage: " + n.name() + ": " + e.detail);
  }
}

void cluster::check_commit_safe(const sim_node& committer, raft::index_t index) {
  // Leader completeness, checked when the commit happens (§5.4): no voter
  // lacking the entry may be able to collect grants, on log up-to-dateness
  // alone (§5.4.1), from a majority of its configuration. Otherwise some
  // future election can erase a committed entry (Figure 8).
  auto term = committer.store.term(index);
  if (!term)
    return;
  struct view {
    const sim_node* n;
    raft::index_t last;
    raft::term_t last_term;
  };
  std::vector<view> logs;
  for (const auto& n : nodes_) {
    if (n->state == node_state::spare || n->store.last_index() == 0 || n->observer)
      continue;
    auto last = n->store.last_index();
    logs.push_back({n.get(), last, *n->store.term(last)});
  }
  for (const auto& s : logs) {
    auto has = s.n->store.term(index);
    bool holds = index < s.n->store.first_index() - 1 || (has && *has == *term);
    if (holds)
      continue;
    auto conf = s.n->up() ? s.n->raft->current_config()
                          : raft::configuration_at(s.n->store, s.last).value();
    if (!raft::is_voter(conf, s.n->id))
      continue;
    std::size_t grants = 0;
    std::string voters;
    for (const auto& v : logs) {
      bool up_to_date = s.last_term > v.last_term
                        || (s.last_term == v.last_term && s.last >= v.last);
      if (raft::is_voter(conf, v.n->id) && up_to_date) {
        ++grants;
        voters += " " + v.n->name() + "@" + std::to_string(v.last) + "/"
                  + std::to_string(v.last_term);
      }
    }
    if (grants >= raft::majority(conf.voters.size()))
      return violation("leader completeness: " + committer.name() + " committed index "
                       + std::to_string(index) + " but " + s.n->name()
                       + ", which lacks it, can still win an election with" + voters + " of "
                       + std::to_string(conf.voters.size()) + " voters");
  }
}

void cluster::send(sim_node& n, raft::message m) {
  if (auto* v = std::get_if<raft::vote_response>(&m.body); v && v->granted && !v->pre_vote)
    checker_.on_vote(key(n), m.term, m.to, n.name());
  std::optional<std::size_t> to;
  for (const auto& other : nodes_)
    if (other->id == m.to)
      to = other->idx;
  const sim_node* receiver = to ? nodes_[*to].get() : nullptr;
  bool leads = receiver && receiver->up() && receiver->soft.role == raft::role::leader
               && receiver->soft.term == m.term;
  checker_.on_send(n.store, m, leads ? &receiver->store : nullptr, n.name());
  if (!to || !connected(n.idx, *to) || rng_.chance(profile_.drop)) {
    ++report_.faults.dropped;
    return;
  }
  envelope env{n.idx, *to, {}, {}, {}};
  if (auto* s = std::get_if<raft::snapshot_request>(&m.body)) {
    // State sync, simplified: the leader's snapshot travels with the request.
    if (auto it = n.snapshots.find(s->meta.index); it != n.snapshots.end())
      env.attached = {s->meta, it->second};
  }
  if (opts_.codec)
    env.encoded = codec::encode_raft_message(m);
  else
    env.msg = std::move(m);
  auto delay = [&] {
    auto d = 1 + rng_.below(2 * profile_.delay_mean);
    return rng_.chance(0.01) ? d * 10 : d;
  };
  if (rng_.chance(profile_.duplicate)) {
    ++report_.faults.duplicated;
    auto id = next_message_++;
    in_flight_[id] = env;
    schedule(now_ + delay() * 3, event::kind::deliver, id);
  }
  auto id = next_message_++;
  in_flight_[id] = std::move(env);
  schedule(now_ + delay(), event::kind::deliver, id);
}

void cluster::apply(sim_node& n, const raft::ready& rd) {
  if (rd.snapshot) {
    auto it = n.snapshots.find(rd.snapshot->index);
    if (it == n.snapshots.end())
      return violation("sim: " + n.name() + " installs a snapshot it has no state for");
    n.kv = it->second;
    n.kv_applied = rd.snapshot->index;
    checker_.on_snapshot_state(n.kv_applied, n.kv.state_hash(), n.name());
  }
  for (const auto& e : rd.committed_entries) {
    if (e.type == raft::entry_type::command) {
      auto c = decode_kv(e.data);
      if (!c)
        return violation("sim: undecodable command at index " + std::to_string(e.index));
      bool swapped = n.kv.apply(*c);
      auto op = c->op_id - 1;
      if (op < ops_.size() && ops_[op].node == n.idx && ops_[op].st == op_record::status::pending)
        n.results[c->op_id] = swapped;
    }
    n.kv_applied = e.index;
    checker_.on_apply(e, n.kv.state_hash(), n.name());
  }
  checker_.on_applied(key(n), n.incarnation, n.kv_applied, n.name());
  serve_reads(n);
}

void cluster::events(sim_node& n, raft::ready& rd) {
  for (const auto& p : rd.proposals)
    on_proposal(n, p);
  for (const auto& r : rd.reads)
    on_read(n, r);
  if (rd.snapshot_needed)
    start_sync(n, *rd.snapshot_needed);
}

void cluster::crash(sim_node& n, std::size_t keep) {
  n.store.crash(keep);
  n.raft.reset();
  n.state = node_state::crashed;
  n.crash_on_persist = false;
  n.paused_until = 0;
  n.restart_at = now_ + rng_.below(10) * (20 + 5) * tick_ms;
  n.offered.reset();
  n.fetches.clear(); // a state sync in progress dies with the process
  n.bonds.clear();
  n.results.clear();
  abandon_ops(n);
  trace_.add(n.idx + 2000);
  note("crash " + n.name() + " keeping " + std::to_string(keep) + " unsynced writes");
}

void cluster::restart(sim_node& n) {
  ++n.incarnation;
  start(n);
}

void cluster::wipe(sim_node& n) {
  // The data directory holds the key too: a wiped node comes back as a new
  // peer. (Raft assumes no amnesia; reusing an identity after losing the
  // log is not supported.)
  for (auto& other : nodes_) {
    // The old identity is gone for good: its bonds break.
    if (other->up() && other->bonds.erase(n.idx)) {
      other->bond_down_since.erase(n.idx);
      other->raft->peer_lost(n.id);
      drain(*other);
    }
  }
  peer_id::array_type raw;
  for (auto& b : raw)
    b = static_cast<std::uint8_t>(rng_.next());
  retired_.push_back(n.id);
  n.id = peer_id{raw};
  n.raft.reset();
  n.store = raft::memory_storage{};
  n.snapshots.clear();
  n.kv = kv_machine{};
  n.kv_applied = 0;
  ++n.generation;
}

} // namespace mosaik::sim
