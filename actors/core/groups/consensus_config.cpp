#include "actors/core/groups/consensus_config.hpp"

namespace mosaik::groups {

std::optional<std::string> check(const consensus_config& c) {
  if (c.heartbeat_interval <= millis{0})
    return "heartbeat_interval must be positive";
  if (c.heartbeat_jitter < millis{0} || c.heartbeat_jitter >= c.heartbeat_interval)
    return "heartbeat_jitter must be in [0, heartbeat_interval)";
  if (c.max_missed_heartbeats == 0)
    return "max_missed_heartbeats must be at least 1";
  if (c.election_timeout <= c.heartbeat_interval)
    return "election_timeout must exceed heartbeat_interval";
  if (c.election_timeout_jitter < millis{0} || c.bootstrap_delay < millis{0})
    return "election_timeout_jitter and bootstrap_delay must not be negative";
  if (c.forward_timeout <= millis{0})
    return "forward_timeout must be positive";
  if (c.member_timeout <= c.election_timeout)
    return "member_timeout must exceed election_timeout";
  if (c.min_voters == 0 || c.max_voters == 0)
    return "min_voters and max_voters must be at least 1";
  return std::nullopt;
}

} // namespace mosaik::groups
