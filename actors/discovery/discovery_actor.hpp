#pragma once
// The discovery actor: one per node, spawned and wired by the network
// supervisor (network/supervisor.hpp).
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
#include "actors/discovery/discovery_api.hpp"
#include "actors/node/node_api.hpp"

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

/// Spawns the discovery actor of the node actor `node`, linked to `parent`.
/// The caller registers it with the node for link events, discovery frames
/// and status.
discovery_handle spawn_discovery(caf::local_actor* parent, node::node_handle node,
                                 discovery_setup setup, secret_key key);

/// Discovery's part of the node's status: its tags and its catalog.
node::status_part status_part_of(const catalog_snapshot& snap);

} // namespace mosaik::discovery
