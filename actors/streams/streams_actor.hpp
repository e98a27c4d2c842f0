#pragma once
// The streams subsystem: one actor per node (spawned by the network
// supervisor; streams_api.hpp). It opens producers (one per stream id) and
// consumers, follows discovery's catalog and hands it to them, advertises
// the produced streams in the local entry, and routes the stream frames:
//  - it is the node's handler of every frame of kind `stream`; it decodes
//    each and delegates it to the stream's producer (subscribe, credit,
//    unsubscribe) or to the consumer that owns the subscription (accepted,
//    batch, close); a subscribe for a stream nobody produces here is
//    refused with stream_not_found;
//  - consumers' messages go out through it: it learns which consumer owns
//    a subscription from its subscribe, holds the link to each producer a
//    consumer subscribed to, dials producers it has no link to, and parks
//    (bounded) what waits for the link.

#include "actors/node/node_api.hpp"
#include "actors/streams/streams_api.hpp"

#include <caf/fwd.hpp>

namespace mosaik::streams {

streams_handle spawn_streams(caf::local_actor* parent, node::node_handle node, streams_setup setup);

} // namespace mosaik::streams
