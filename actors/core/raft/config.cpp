#include "actors/core/raft/config.hpp"

#include <algorithm>

namespace mosaik::raft {

namespace {

std::uint32_t to_ticks(std::chrono::milliseconds d, std::chrono::milliseconds tick) {
  auto t = std::max<std::int64_t>(tick.count(), 1);
  return static_cast<std::uint32_t>(std::max<std::int64_t>(1, (d.count() + t - 1) / t));
}

} // namespace

tick_timeouts ticks_for(const timeouts& t, std::chrono::milliseconds tick) {
  tick_timeouts out;
  out.heartbeat = to_ticks(t.heartbeat, tick);
  out.election = to_ticks(t.election, tick);
  out.election_jitter = t.election_jitter.count() == 0 ? 0 : to_ticks(t.election_jitter, tick);
  out.bootstrap_delay = to_ticks(t.bootstrap_delay, tick);
  out.member_timeout = to_ticks(t.member_timeout, tick);
  out.forward_timeout = to_ticks(t.forward_timeout, tick);
  return out;
}

} // namespace mosaik::raft
