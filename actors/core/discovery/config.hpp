#pragma once
// Every discovery setting with its default, in one place. The first block
// follows FEATURES.md 11.2 (the original's effective defaults); the rest
// bound the gossip overlay and the catalog, which the original left open.

#include "actors/core/discovery/limits.hpp"
#include "actors/core/discovery/penalty_policy.hpp"
#include "actors/core/discovery/time.hpp"
#include "actors/core/ids/ids.hpp"
#include "actors/core/wire/handshake.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mosaik::discovery {

struct config {
  /// Mean time between periodic announcements of the local entry.
  millis announce_interval{45'000};
  /// Each delay is drawn uniformly from interval * [1 - jitter, 1 + jitter].
  double announce_jitter = 0.5;
  /// A peer not refreshed for this long (on our clock) is stale and purged.
  millis purge_after{300'000};
  /// Entries and departures whose clock is further off are refused.
  millis max_time_drift{50'000};
  /// Peers whose smoothed RTT is above this are hidden (none: no filter).
  std::optional<millis> max_rtt;
  /// How often the node actor probes catalog peers' RTT.
  millis rtt_probe_interval{30'000};
  /// Events a slow subscriber may fall behind before it loses the oldest.
  std::size_t events_backlog = 100;
  /// How long a departing node waits for its departure to be sent.
  millis graceful_departure_window{500};
  /// Tags the local entry starts with.
  std::vector<tag> tags;
  /// Addresses dialled at start and whenever no catalog peer advertises them.
  std::vector<wire::endpoint> bootstrap;

  /// Upper bound of the gossip peer set (links we push announcements on).
  std::size_t gossip_peers = 8;
  /// Below this many gossip peers, dial random catalog peers.
  std::size_t min_gossip_peers = 4;
  /// Gossip peers each newly accepted entry or departure is forwarded to.
  std::size_t fanout = 4;
  /// How often the link set is checked (dial, probe quiet peers, expire).
  millis maintenance_interval{1'000};
  /// A dial that has not produced a link after this long has failed.
  millis dial_timeout{5'000};
  /// A peer (or bootstrap address) whose dial failed is left alone this long.
  millis redial_backoff{10'000};
  /// A catalog sync that has not finished after this long has failed.
  millis sync_timeout{10'000};
  /// Signed peers the catalog holds at most. When full, a newcomer evicts
  /// the entry of lowest standing if it outranks it (admission.hpp).
  std::size_t max_peers = 4096;
  /// New entries one link peer may have inserted (it relayed them first)
  /// and still held; a linked peer's own entry and the local API are exempt.
  /// A quarter of max_peers: four links fill the catalog.
  std::size_t max_peers_per_relayer = 1024;
  discovery::limits limits;
  penalty_policy penalties;
  /// Seeds the jitter and peer choices (deterministic simulation).
  std::uint64_t seed = 0;
  /// Implementation version advertised in the local entry.
  std::string protocol = "mosaik-cpp/" MOSAIK_VERSION;
};

/// A description of the first inconsistent setting, if any.
std::optional<std::string> check(const config& cfg);

} // namespace mosaik::discovery
