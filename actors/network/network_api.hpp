#pragma once
// The messaging interface of the network supervisor (supervisor.hpp) for
// LOCAL actors.
//
//   await_ready{}              -> network_ready  once the node listens and
//                                                every subsystem is wired
//   add_departure{phase, a}                      a answers node::depart{} in that
//                                                phase of a shutdown
//   get_status{}               -> wire::node_status
//                                                the node's status (with every
//                                                contributor's part)
//   shutdown{}                 -> bool           every phase ran; the network quits

#include "actors/core/ids/keys.hpp"
#include "actors/core/wire/status.hpp"
#include "actors/discovery/discovery_api.hpp"
#include "actors/groups/groups_api.hpp"
#include "actors/node/node_api.hpp"
#include "actors/node/subsystem_api.hpp"
#include "actors/streams/streams_api.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

namespace mosaik::net {

struct await_ready {};

struct network_ready {
  peer_id peer;
  wire::endpoint listen;
  /// The node (node_api.hpp): links, frames, link events.
  node::node_handle node;
  /// The discovery actor (discovery_api.hpp); null when disabled.
  discovery::discovery_handle discovery;
  /// The groups subsystem (groups_api.hpp).
  groups::groups_handle groups;
  /// The streams subsystem (streams_api.hpp).
  streams::streams_handle streams;
};

/// `step` answers node::depart{} in `phase` (not links: that phase is the
/// node's own departure).
struct add_departure {
  node::departure_phase phase;
  caf::actor step;
};

struct get_status {};

struct shutdown {};

/// The supervisor's interface (a typed actor: a wrong message is a compile
/// error for the sender).
using network_handle = caf::typed_actor<
  caf::replies_to<await_ready>::with<network_ready>,
  caf::reacts_to<add_departure>,
  caf::replies_to<get_status>::with<wire::node_status>,
  caf::replies_to<shutdown>::with<bool>>;

} // namespace mosaik::net

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::net::await_ready)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::net::network_ready)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::net::add_departure)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::net::get_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::net::shutdown)
