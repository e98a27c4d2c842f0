#pragma once
// The groups subsystem's settings on one node (the per-group consensus
// parameters are the group's own: consensus_config.hpp).

#include "actors/core/groups/group_store.hpp"
#include "actors/core/groups/sync/log_replay_config.hpp"
#include "actors/core/groups/time.hpp"
#include "actors/core/raft/config.hpp"

#include <cstddef>
#include <memory>

namespace mosaik::groups {

struct groups_config {
  /// One Raft tick: the resolution of every group timer.
  millis tick{100};
  /// A bond hello must be answered this soon (FEATURES 6.9).
  millis handshake_timeout{2000};
  /// Groups one node runs at once; more joins are refused.
  std::size_t max_groups = 64;
  /// Where groups keep their Raft state. Unset: LMDB in the node's
  /// data_dir/raft when it has a data_dir, else memory (lost on exit).
  std::shared_ptr<store_provider> stores;
  /// What a leader here ships to one follower: bytes of entries per append,
  /// and appends in flight (Raft's flow control; local, not in the group id).
  std::size_t max_append_bytes = 1u << 20;
  std::size_t max_inflight = 64;
  /// Catch-up by log replay (sync/sync_driver.hpp).
  log_replay_config sync;
  /// Test-only (the sim tests prove their checkers bite with them): known
  /// Raft mistakes every group of the node runs with. Never set in a real node.
  raft::injected_bugs bugs;
};

} // namespace mosaik::groups
