#pragma once
// The network supervisor: the composition root of one mosaik node. It spawns
// the node (links only) and the subsystems above it (discovery; later groups
// and streams), wires them to the node, and runs the node's shutdown as a
// protocol: the departure steps of each phase (groups, then discovery), each
// phase bounded by the departure window, then the links phase (the node's
// own departure). No subsystem spawns a sibling; the supervisor is linked to
// every actor it spawns, so one dying takes the network down.
//
// Start: the node listens; then groups are spawned and registered with the
// node (link subscriber, status contributor, departure step of their
// phase); then discovery (link subscriber, handler of (discovery, none),
// status contributor, departure step), handed to groups; only then are the
// bootstrap addresses dialled. Discovery dials its bootstrap as it starts,
// so every subscriber is in place before any link can come up.

#include "actors/core/ids/keys.hpp"
#include "actors/network/network_api.hpp"
#include "actors/node/node_config.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

namespace mosaik::net {

struct spawned_network {
  network_handle supervisor;
  /// The node, for local actors that talk to the links directly.
  node::node_handle node;
};

/// Spawns a network on `sys`, which must have the middleman loaded and
/// mosaik's message types announced (transport::add_message_types).
spawned_network spawn_network(caf::actor_system& sys, node::node_config cfg, secret_key key);

} // namespace mosaik::net
