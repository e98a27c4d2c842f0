// State sync and compaction. A snapshot request brings the leader's state
// along (the transfer itself is simplified), but the fetch completes only
// after a seeded delay, with messages, elections, crashes and compaction in
// between; a newer request sometimes leaves the older fetch running, so
// fetches can finish out of order; the leader that asked sometimes pauses,
// so another one replicates meanwhile; and half the fetches finish the
// moment the log holds the snapshot's last entry while the commit index is
// still below it. install_snapshot then decides on the log as it is by
// then (raw_node.hpp), checked here; fetched state is kept only when the
// core restored from it. Nodes compact on their own schedules.

#include "actors/core/raft/config_change.hpp"
#include "tests/sim/cluster.hpp"

namespace mosaik::sim {

void cluster::start_sync(sim_node& n, const raft::snapshot_metadata& meta) {
  if (!n.offered || n.offered->first != meta)
    return; // the state did not come with the request (lost, or a restart)
  auto state = std::move(n.offered->second);
  n.offered.reset();
  for (const auto& [id, f] : n.fetches)
    if (f.meta == meta)
      return; // already fetching this one
  if (!n.fetches.empty()) {
    if (rng_.chance(profile_.sync_race))
      ++report_.faults.syncs_raced;
    else
      n.fetches.clear(); // the newer request supersedes them
  }
  auto id = next_fetch_++;
  n.fetches.emplace(id, sim_node::fetch{meta, std::move(state), rng_.chance(0.5)});
  ++report_.faults.syncs;
  trace_.add(5000 + n.idx);
  trace_.add(meta.index);
  pause_leader_of(n);
  auto d = rng_.below(profile_.sync_delay_max + 1);
  note(n.name() + " fetches " + std::to_string(meta.index) + " for " + std::to_string(d) + " ms");
  schedule(now_ + d, event::kind::sync, n.idx, id);
}

void cluster::pause_leader_of(const sim_node& n) {
  // The window issue 11 needs: another leader, which has not compacted as
  // far, replicates to the node while its fetch is still in progress.
  if (!chaos_on_ || healing_ || !n.soft.leader || !rng_.chance(profile_.sync_pauses_leader))
    return;
  for (auto& l : nodes_) {
    if (l->id == *n.soft.leader && l->up() && !l->paused(now_)) {
      ++report_.faults.pauses;
      l->paused_until = now_ + rng_.between(2000, 10000);
      trace_.add(4000 + l->idx);
      note("pause " + l->name() + " while " + n.name() + " fetches");
    }
  }
}

void cluster::finish_syncs_in_window(sim_node& n) {
  if (!n.up())
    return;
  for (auto& [id, f] : n.fetches) {
    auto t = n.store.term(f.meta.index);
    if (f.in_window && t && *t == f.meta.term && n.raft->committed() < f.meta.index) {
      f.in_window = false;
      schedule(now_, event::kind::sync, n.idx, id);
    }
  }
}

void cluster::on_sync(std::size_t i, std::uint64_t id) {
  auto& n = *nodes_[i];
  auto it = n.fetches.find(id);
  if (!n.up() || it == n.fetches.end())
    return;
  if (n.paused(now_)) {
    schedule(n.paused_until + rng_.below(5), event::kind::sync, i, id);
    return;
  }
  auto f = std::move(it->second);
  n.fetches.erase(it);
  // Every ready is persisted by now, so the store is the core's log.
  auto committed = n.raft->committed();
  auto t = n.store.term(f.meta.index);
  bool held = t && *t == f.meta.term;
  auto result = n.raft->install_snapshot(f.meta);
  check_install(n, f.meta, committed, held, result);
  trace_.add(6000 + n.idx);
  trace_.add(static_cast<std::uint64_t>(result));
  switch (result) {
    case raft::snapshot_install::restored:
      n.snapshots[f.meta.index] = std::move(f.state);
      ++report_.faults.snapshots;
      break;
    case raft::snapshot_install::advanced_commit: ++report_.faults.syncs_kept_log; break;
    case raft::snapshot_install::refused: ++report_.faults.syncs_refused; break;
  }
  note(n.name() + " state sync at " + std::to_string(f.meta.index) + " done: "
       + std::string(raft::to_string(result)));
  drain(n);
}

void cluster::check_install(const sim_node& n, const raft::snapshot_metadata& meta,
                            raft::index_t committed, bool held, raft::snapshot_install result) {
  // The hand-off of raw_node.hpp, Figure 13 steps 6 to 8.
  using si = raft::snapshot_install;
  auto want = meta.index <= committed ? si::refused : held ? si::advanced_commit : si::restored;
  if (result != want)
    violation("state sync: " + n.name() + " got " + std::string(raft::to_string(result))
              + " for a snapshot at " + std::to_string(meta.index) + " (commit "
              + std::to_string(committed) + ", log holds it: " + (held ? "yes" : "no")
              + "), expected " + std::string(raft::to_string(want)));
}

void cluster::maybe_compact(sim_node& n) {
  if (n.kv_applied >= n.store.first_index() + n.compact_every)
    compact(n);
}

void cluster::chaos_compact() {
  // §7: every node compacts on its own, whenever it likes.
  for (auto& n : nodes_) {
    if (n->up() && !n->paused(now_) && rng_.chance(n->compact_chance)
        && n->kv_applied >= n->store.first_index()) {
      ++report_.faults.compactions;
      compact(*n);
    }
  }
}

void cluster::compact(sim_node& n) {
  auto upto = n.kv_applied;
  auto term = n.store.term(upto);
  auto conf = raft::configuration_at(n.store, upto);
  if (!term || !conf)
    return violation("sim: " + n.name() + " cannot compact at " + std::to_string(upto));
  n.snapshots[upto] = n.kv;
  if (auto r = n.store.compact(upto, *term, *conf); !r)
    return violation("storage: compact: " + r.error().detail);
  n.store.sync();
  n.snapshots.erase(n.snapshots.begin(), n.snapshots.find(upto));
}

} // namespace mosaik::sim
