#pragma once
// The node: one per process (per actor system), a CAF I/O broker. It
// listens on the listen port, owns every connection, runs the link
// handshake, seals and opens records, owns the links and serves the
// messages of node_api.hpp.

#include "actors/core/ids/keys.hpp"
#include "actors/node/node_api.hpp"
#include "actors/node/node_config.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

namespace mosaik::node {

/// Spawns a node on `sys`, which must have the middleman loaded
/// (transport::system_config). Its typed handle: see node_handle.
node_handle spawn_node(caf::actor_system& sys, node_config cfg, secret_key key);

} // namespace mosaik::node
