#pragma once
// The consensus parameters of a group (FEATURES 6.9). Every member must run
// the same ones: all of them enter the group id (group_key.hpp), so nodes
// that disagree form different groups instead of a confused one.

#include "actors/core/groups/time.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace mosaik::groups {

struct consensus_config {
  /// Bond ping tick and the leader's heartbeat period.
  millis heartbeat_interval{500};
  /// The bond tick is heartbeat_interval - U[0, heartbeat_jitter).
  millis heartbeat_jitter{150};
  /// A bond silent for this many ticks is closed (timeout).
  std::uint32_t max_missed_heartbeats = 10;
  millis election_timeout{2000};
  millis election_timeout_jitter{500};
  /// Extra wait before the first election, so peers can bond first.
  millis bootstrap_delay{3000};
  /// A follower waits this long for the leader to acknowledge a forwarded
  /// command or read.
  millis forward_timeout{2000};
  /// A member silent this long is removed from the configuration (if a
  /// majority still agrees).
  millis member_timeout{30000};
  /// The first election waits until this many voters are bonded (self
  /// included), as Consul's bootstrap_expect.
  std::size_t min_voters = 1;
  /// Caught-up members are promoted to voters while there are fewer.
  std::size_t max_voters = 5;

  friend bool operator==(const consensus_config&, const consensus_config&) = default;
};

/// What is wrong with `c` (a zero interval, a jitter not below its
/// interval, ...), or nothing.
std::optional<std::string> check(const consensus_config& c);

} // namespace mosaik::groups
