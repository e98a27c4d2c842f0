#pragma once
// Knobs of the discovery simulator (tests/support/discovery_sim.hpp).

#include "actors/core/discovery/config.hpp"

#include <cstdint>
#include <optional>

namespace mosaik::sim {

struct discovery_sim_options {
  std::size_t nodes = 20;
  std::uint64_t seed = 1;
  /// Every node's discovery config; the simulator sets seed and bootstrap.
  discovery::config cfg = fast_config();
  /// One-way latency of a message, uniform in [min, max].
  discovery::millis min_latency{5};
  discovery::millis max_latency{40};
  /// Probability that a message is lost.
  double loss = 0.0;
  /// How long a link across a partition (or to a crashed node) takes to be
  /// declared dead (the link layer's heartbeat budget).
  discovery::millis link_timeout{2'000};
  /// Nodes start at uniform times in [0, start_spread].
  discovery::millis start_spread{100};
  /// When set, the last node starts at this elapsed time instead (a late joiner).
  std::optional<discovery::millis> last_starts_at;
  /// Unix time at simulated time zero.
  discovery::millis epoch{1'700'000'000'000};
  /// Every node but the first bootstraps from the first one.
  bool bootstrap_from_first = true;

  /// Discovery scaled to a 1 s announce interval so simulations are short.
  static discovery::config fast_config() {
    discovery::config cfg;
    cfg.announce_interval = discovery::millis{1'000};
    cfg.purge_after = discovery::millis{10'000};
    cfg.max_time_drift = discovery::millis{2'000};
    cfg.maintenance_interval = discovery::millis{250};
    cfg.dial_timeout = discovery::millis{1'000};
    cfg.redial_backoff = discovery::millis{2'000};
    cfg.sync_timeout = discovery::millis{2'000};
    return cfg;
  }
};

} // namespace mosaik::sim
