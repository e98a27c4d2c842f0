#pragma once
// The engine's half of state sync (engine.hpp): the provider every member
// runs, the session of a lagging follower, and the hand-off of what the
// session fetched to the Raft core.
//
// When a session starts: after the current leader's append was stepped,
// the leader's commit index is still more than `min_gap` entries past ours.
// Raft alone would then ship the gap from the leader only, one append of
// max_append_bytes per round trip; smaller gaps stay Raft's. The append
// names the leader's committed position (its prev entry, or an entry it
// carries, up to its commit index) the session checks fetched entries
// against; the leader's availability answer names another (its commit
// index and that entry's term).
//
// Fetched batches enter the log only through raw_node::append_committed,
// right after the local commit index, with the commit index bounded by the
// highest commit index the leader announced. The Raft core persists them in
// its next ready before anything acknowledges them.

#include "actors/core/groups/sync/log_replay_config.hpp"
#include "actors/core/groups/sync/log_replay_provider.hpp"
#include "actors/core/groups/sync/state_sync.hpp"
#include "actors/core/raft/message.hpp"
#include "actors/core/raft/raw_node.hpp"
#include "actors/core/raft/storage.hpp"

#include <functional>
#include <memory>
#include <set>
#include <utility>

namespace mosaik::groups {

/// Counters over the life of the engine (sessions ended and the current).
struct sync_totals {
  std::uint64_t sessions_started = 0;
  std::uint64_t sessions_completed = 0;
  /// Ended without catching up (the core refused a batch, or the node
  /// became leader or closed).
  std::uint64_t sessions_abandoned = 0;
  sync_stats entries;
  bool active = false;
};

class sync_driver {
public:
  sync_driver(log_replay_config cfg, const raft::storage& store);

  /// After `m` was stepped into `raw`: a lag to catch up on, or a newer
  /// anchor for the session.
  void observed(const raft::message& m, const raft::soft_state& soft, const raft::raw_node& raw,
                millis now);
  /// A sync message from a bonded peer.
  void on_message(const peer_id& from, const sync_message& m, const raft::raw_node& raw, millis now);
  void bond_up(const peer_id& peer);
  void bond_down(const peer_id& peer);
  void tick(millis now);
  /// Hands the session's verified batches to the core, calling `run` (the
  /// ready loop) after each, and ends the session once caught up.
  void pump(raft::raw_node& raw, const std::function<void()>& run);
  void close();

  std::vector<sync_send> take_messages() { return std::exchange(messages_, {}); }
  sync_totals totals() const;

private:
  void start(const raft::raw_node& raw, const peer_id& leader, std::optional<log_anchor> anchor,
             millis now);
  void end(bool caught_up);
  raft::term_t term_at(raft::index_t i) const;

  log_replay_config cfg_;
  const raft::storage& store_;
  log_replay_provider provider_;
  std::unique_ptr<sync_session> session_;
  std::set<peer_id> bonded_;
  /// The highest commit index a leader announced (appends, availability).
  raft::index_t leader_commit_ = 0;
  std::vector<sync_send> messages_;
  sync_totals totals_;
};

} // namespace mosaik::groups
