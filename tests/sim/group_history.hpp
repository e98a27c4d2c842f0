#pragma once
// Seeded runs of a register group on whole simulated nodes
// (mosaik::testing): clients on every node execute writes and
// compare-and-sets and issue strong queries through the group's API while
// faults drawn from the seed (isolation, crash and restart with connections
// reset or silent, a partition between two nodes, lost bytes; a minority at
// a time, now and then a majority) come and go, half of them aimed at the
// leader. Then everything heals, and the
// run checks that
//  - the group forms again and a new write commits from every node,
//  - every running replica converges on the same applied index and state,
//  - the client history (invocation and answer in simulated time, a write
//    whose outcome is unknown may or may not have happened) is linearizable
//    (tests/sim/linearizability.hpp, each key apart).
// Everything follows from the seed: a failing seed replays exactly.

#include "actors/core/raft/config.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace mosaik::sim {

struct group_run_options {
  std::uint64_t seed = 1;
  /// 0: drawn from the seed (3 or 5).
  std::size_t nodes = 0;
  /// Simulated seconds of faults and client load before healing.
  unsigned fault_seconds = 30;
  /// Known Raft mistakes every node runs with (the check must catch them).
  raft::injected_bugs bugs;
  /// Leaders ship 1 KiB per append, one in flight: a follower that falls
  /// behind catches up by log replay from its peers rather than by Raft.
  bool slow_appends = false;
};

struct group_run_report {
  bool ok = true;
  /// "<checker>: <what>" for the first property that failed.
  std::string violation;
  std::size_t nodes = 0;
  std::size_t ops = 0, acknowledged = 0, unknown = 0, reads = 0;
  std::size_t faults = 0;
  bool inconclusive = false; // the checker ran out of budget on some key
  /// Log replay over the run (the nodes' counters at the end).
  std::uint64_t sync_sessions = 0, sync_fetched = 0;
};

group_run_report run_group_history(const group_run_options& o);

} // namespace mosaik::sim
