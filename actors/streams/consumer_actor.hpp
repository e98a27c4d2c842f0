#pragma once
// One consumer actor per opened consumer (spawned and linked by the streams
// actor). It owns a consumer_engine and drives it: catalog changes, the
// producers' messages (through the router, which owns the node's handler
// of stream frames), link losses and its own timer go in; subscribe,
// credit and unsubscribe messages go out through the router. Delivered
// datums wait here, bounded by the credit the engine granted, until the
// application pulls them (next_batch) or its sink takes them (deliver_to);
// only then is the credit granted again. Time is the actor's CAF clock.

#include "actors/streams/consumer_api.hpp"
#include "actors/streams/stream_setup.hpp"

#include <caf/fwd.hpp>

#include <memory>
#include <vector>

namespace mosaik::streams {

struct consumer_spawn {
  consumer_setup setup;
  network_id network;
  peer_id self;
  std::uint64_t seed = 0;
  std::shared_ptr<metrics::registry> metrics;
  std::shared_ptr<const std::vector<peer_description>> catalog;
};

/// `router`: the streams actor, which gets this consumer's messages.
consumer_handle spawn_consumer(caf::local_actor* parent, consumer_spawn spawn);

} // namespace mosaik::streams
