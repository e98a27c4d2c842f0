#pragma once
// The leader's view of one follower (after etcd-io/raft's tracker/progress.go):
// probe (one append at a time until we find where logs match), replicate
// (stream optimistically, bounded in flight), snapshot (wait until the
// follower installed state through state sync).

#include "actors/core/raft/types.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string_view>

namespace mosaik::raft {

enum class progress_state : std::uint8_t { probe, replicate, snapshot };

std::string_view to_string(progress_state s);

class progress {
public:
  using state = progress_state;

  progress(index_t next, std::uint64_t now_tick, std::size_t max_inflight)
    : next(next), last_heard(now_tick), max_inflight_(max_inflight) {}

  index_t match = 0;
  index_t next = 1;
  state st = state::probe;
  index_t pending_snapshot = 0;
  std::uint64_t snapshot_tick = 0;
  bool probe_sent = false;
  /// Heard from since the last check-quorum round.
  bool recent_active = false;
  /// Tick of the last message from this peer (member_timeout).
  std::uint64_t last_heard = 0;
  /// Highest ReadIndex round this peer acknowledged.
  std::uint64_t read_ack = 0;
  bool observer = false;

  void become_probe();
  void become_replicate();
  void become_snapshot(index_t snapshot_index, std::uint64_t now_tick);

  /// The follower has everything up to n; false if that is old news.
  bool maybe_update(index_t n);
  /// The follower rejected an append at `rejected`; its last index is
  /// `hint`. False when the rejection is stale.
  bool maybe_decrease_to(index_t rejected, index_t hint);
  /// An append carrying entries up to `last` was sent.
  void sent_entries(index_t last);
  /// No more appends until an answer (or a heartbeat round) arrives.
  bool is_paused() const;
  /// A heartbeat answer while the window is full: an append was probably
  /// lost, so let one more through (etcd does the same).
  void free_first_inflight();
  /// Appends sent and not yet acknowledged (replicate only).
  std::size_t in_flight() const { return inflight_.size(); }

private:
  std::deque<index_t> inflight_; // last index of each append in flight
  std::size_t max_inflight_;
};

/// What a leader reports of one follower (etcd's Status().Progress).
struct progress_status {
  index_t match = 0;
  index_t next = 0;
  progress_state state = progress_state::probe;
  std::size_t in_flight = 0;
  index_t pending_snapshot = 0; // snapshot state only
  bool recent_active = false;   // heard from since the last check-quorum round
  friend bool operator==(const progress_status&, const progress_status&) = default;
};

} // namespace mosaik::raft
