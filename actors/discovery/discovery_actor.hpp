#pragma once
// The discovery actor: one per node, spawned and linked by the node actor.
// It owns the pure discovery::engine and drives it: link events, RTT samples
// and discovery frames from the node go in with the current time; what the
// engine asks for (messages, dials, releases, bans) goes out to the node;
// catalog events go to subscribers; a timer wakes the engine when it asks.
//
// Time: the engine works in Unix milliseconds. The actor reads its CAF clock
// (simulated time under the test coordinator) and adds it to the Unix time
// at spawn, so the same code runs in simulation and for real.

#include "actors/core/discovery/config.hpp"
#include "actors/core/ids/ids.hpp"
#include "actors/core/ids/keys.hpp"
#include "actors/core/wire/handshake.hpp"

#include <caf/fwd.hpp>

#include <memory>
#include <optional>

namespace mosaik::metrics {
class registry;
}

namespace mosaik::discovery {

struct discovery_setup {
  config cfg;
  network_id network;
  /// Where the node listens: the address the local entry advertises.
  wire::endpoint listen;
  /// Unix time at spawn; unset: read the system clock (simulations fix it).
  std::optional<millis> epoch;
  /// The node's registry, which discovery's series join.
  std::shared_ptr<metrics::registry> metrics;
};

/// Spawns the discovery actor of the node actor `node`, linked to it. The
/// caller registers it for link events and discovery frames.
caf::actor spawn_discovery(caf::local_actor* node, discovery_setup setup, secret_key key);

} // namespace mosaik::discovery
