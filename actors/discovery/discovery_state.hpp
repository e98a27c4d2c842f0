#pragma once
// The state of the discovery actor (discovery_actor.hpp).

#include "actors/core/discovery/engine.hpp"
#include "actors/core/discovery/event_queue.hpp"
#include "actors/discovery/discovery_metrics.hpp"
#include "actors/node/node_api.hpp"

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/actor_clock.hpp>
#include <caf/response_promise.hpp>

#include <spdlog/logger.h>

#include <map>
#include <memory>
#include <optional>

namespace mosaik::discovery {

struct discovery_state {
  static inline const char* name = "mosaik.discovery";

  std::optional<engine> eng;
  node::node_handle node;
  config cfg;
  millis epoch{0};                        // Unix time at `started`
  caf::actor_clock::time_point started{};

  /// Unix time when the actor clock reads `t`.
  millis unix_time(caf::actor_clock::time_point t) const {
    return epoch + std::chrono::duration_cast<millis>(t - started);
  }
  std::optional<millis> wakeup_at;        // the engine's armed wake-up
  std::uint64_t wakeup_generation = 0;    // older timers are ignored
  struct subscriber {
    caf::actor actor;
    event_queue queue;
  };
  std::map<caf::actor_addr, subscriber> subscribers;
  std::multimap<peer_id, caf::response_promise> sync_waiters;
  std::uint64_t malformed = 0;            // discovery frames that did not decode
  std::shared_ptr<metrics::registry> registry;
  std::optional<discovery_metrics> metrics;
  std::shared_ptr<spdlog::logger> log;
};

} // namespace mosaik::discovery
