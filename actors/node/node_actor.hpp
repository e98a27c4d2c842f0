#pragma once
// The node actor: one per process (per actor system). It publishes itself
// as the node's only ingress on the listen port, runs the link handshake,
// owns the links and serves the messages of node_api.hpp.

#include "actors/core/ids/keys.hpp"
#include "actors/node/node_config.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

namespace mosaik::node {

/// Spawns a node on `sys`, which must have the middleman loaded and
/// mosaik's message types announced (transport::add_message_types).
caf::actor spawn_node(caf::actor_system& sys, node_config cfg, secret_key key);

} // namespace mosaik::node
