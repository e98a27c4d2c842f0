#pragma once
// The leader's queue of ReadIndex requests (dissertation §6.4). Each request
// records the commit index when it arrived and the heartbeat round that must
// be acknowledged by a majority of voters before it may be served.

#include "actors/core/raft/types.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace mosaik::raft {

struct pending_read {
  std::uint64_t id = 0;
  std::optional<node_id> from; // nullopt: asked locally
  index_t index = 0;
  std::uint64_t round = 0;
};

class read_only {
public:
  /// Queues a read at `index`; it is released by a round after this one.
  void add(std::uint64_t id, std::optional<node_id> from, index_t index);
  /// Starts a new heartbeat round if reads wait for one; returns the round
  /// heartbeats should carry.
  std::uint64_t round_for_heartbeat();
  /// Reads whose round a majority acknowledged (`acked` is that round).
  std::vector<pending_read> release(std::uint64_t acked);
  std::vector<pending_read> take_all();
  bool empty() const { return queue_.empty(); }
  std::size_t size() const { return queue_.size(); }

private:
  std::deque<pending_read> queue_;
  std::uint64_t round_ = 0;       // last round started
  bool needs_round_ = false;      // a read arrived since round_ started
};

} // namespace mosaik::raft
