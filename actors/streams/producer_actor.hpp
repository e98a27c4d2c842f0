#pragma once
// One producer actor per produced stream id (spawned and linked by the
// streams actor). It owns the stream's fan-out (producer_engine.hpp) and
// drives it: subscriptions and credits from the router, the catalog, link
// losses and the datums of every handle go in; batches go to the node on
// the stream's channel. It forms batches once its mailbox holds no more
// datums (a flush message queued behind them), so a burst of publishes
// leaves in few frames. Time is the actor's CAF clock.

#include "actors/node/node_api.hpp"
#include "actors/streams/producer_api.hpp"
#include "actors/streams/stream_setup.hpp"

#include <caf/fwd.hpp>

#include <memory>
#include <vector>

namespace mosaik::streams {

struct producer_spawn {
  producer_setup setup;
  network_id network;
  /// This incarnation's epoch (random per start).
  std::uint64_t epoch = 0;
  std::shared_ptr<metrics::registry> metrics;
  /// The catalog as the router knows it now.
  std::shared_ptr<const std::vector<peer_description>> catalog;
};

producer_handle spawn_producer(caf::local_actor* parent, node::node_handle node, producer_spawn spawn);

} // namespace mosaik::streams
