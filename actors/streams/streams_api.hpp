#pragma once
// The messaging interface of the streams subsystem (one actor per node,
// spawned by the network supervisor) for LOCAL actors.
//
//   open_producer{setup}  -> producer_handle   the stream's producer; a second open of
//                                              the same stream id answers the same actor
//                                              (the first open's options hold)
//   open_consumer{setup}  -> consumer_handle   a new consumer of the stream
//   use_discovery{d}                           follow d's catalog and advertise produced
//                                              streams in its entry (the supervisor)
//
// And the subsystem protocols (node/subsystem_api.hpp):
//   node::depart{}        -> bool              every producer closes (graceful_shutdown)
//                                              and every consumer unsubscribes
//   node::contribute_status{} -> status_part   each producer's and consumer's line
//
// The streams actor is the handler of every frame of kind `stream`: it
// decodes each one and hands it to the producer of the frame's stream or to
// the consumer that owns the subscription, as a request whose answer frees
// the link's credit, so nothing queues between the link and the engines.

#include "actors/discovery/discovery_api.hpp"
#include "actors/node/subsystem_api.hpp"
#include "actors/streams/consumer_api.hpp"
#include "actors/streams/producer_api.hpp"
#include "actors/streams/stream_setup.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

namespace mosaik::streams {

struct open_producer {
  producer_setup setup;
};

struct open_consumer {
  consumer_setup setup;
};

struct use_discovery {
  discovery::discovery_handle discovery;
};

using streams_handle =
  caf::typed_actor<caf::replies_to<open_producer>::with<producer_handle>,
                   caf::replies_to<open_consumer>::with<consumer_handle>,
                   caf::reacts_to<use_discovery>,
                   caf::replies_to<node::depart>::with<bool>,
                   caf::replies_to<node::contribute_status>::with<node::status_part>>;

} // namespace mosaik::streams

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::open_producer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::open_consumer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::use_discovery)
