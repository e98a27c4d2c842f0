#include "actors/core/raft/read_only.hpp"

namespace mosaik::raft {

void read_only::add(std::uint64_t id, std::optional<node_id> from, index_t index) {
  // A read must be confirmed by a round that starts after it arrived, or a
  // heartbeat sent before the read could vouch for it.
  queue_.push_back({id, std::move(from), index, round_ + 1});
  needs_round_ = true;
}

std::uint64_t read_only::round_for_heartbeat() {
  if (needs_round_) {
    ++round_;
    needs_round_ = false;
  }
  return round_;
}

std::vector<pending_read> read_only::release(std::uint64_t acked) {
  std::vector<pending_read> out;
  while (!queue_.empty() && queue_.front().round <= acked) {
    out.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return out;
}

std::vector<pending_read> read_only::take_all() {
  std::vector<pending_read> out(queue_.begin(), queue_.end());
  queue_.clear();
  return out;
}

} // namespace mosaik::raft
