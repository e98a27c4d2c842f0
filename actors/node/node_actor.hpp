#pragma once
// The node actor: one per process (per actor system). A CAF I/O broker on
// the listen port, the node's only ingress: it runs the link handshake, owns
// the links and serves the messages of node_api.hpp.

#include "actors/core/ids/keys.hpp"
#include "actors/node/node_api.hpp"
#include "actors/node/node_config.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

namespace mosaik::node {

/// Spawns a node on `sys`, which must have the middleman loaded and
/// mosaik's message types announced (transport::add_message_types).
node_handle spawn_node(caf::actor_system& sys, node_config cfg, secret_key key);

} // namespace mosaik::node
