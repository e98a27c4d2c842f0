#pragma once
// What opening a producer or a consumer of one stream takes: the stream id,
// the options with constant defaults (stream_def.hpp) and the predicates a
// definition cannot hold.

#include "actors/core/ids/ids.hpp"
#include "actors/core/ids/keys.hpp"
#include "actors/core/streams/conditions.hpp"
#include "actors/core/streams/consumer_engine.hpp"
#include "actors/core/streams/stream_def.hpp"
#include "actors/metrics/registry.hpp"

#include <caf/actor.hpp>

#include <cstdint>
#include <memory>

namespace mosaik::streams {

struct producer_setup {
  stream_id stream;
  producer_options options;
  /// Consumer admission; empty accepts every peer of the catalog.
  peer_predicate require;
  channel_conditions online_when = subscribed();
  /// FEATURES 5.2 `with_undelivered_sink`: receives every sent datum that
  /// reached no subscription, as undelivered_batch requests
  /// (producer_api.hpp); none: they are let go.
  caf::actor undelivered{};

  static producer_setup of(const stream_def& d) { return {d.id(), d.producer, {}, subscribed()}; }
};

struct consumer_setup {
  stream_id stream;
  consumer_options options;
  /// Producer eligibility; empty accepts every producer of the stream.
  peer_predicate require;
  channel_conditions online_when = minimum_of(0);
  /// Test-only (consumer_engine.hpp).
  consumer_bugs bugs = {};

  static consumer_setup of(const stream_def& d) { return {d.id(), d.consumer, {}, minimum_of(0)}; }
};

struct streams_config {
  /// Producers (stream ids) one node runs at most; discovery's entry lists
  /// as many streams at most.
  std::size_t max_producers = 256;
  std::size_t max_consumers = 256;
  /// Subscribe messages held for a producer while its link comes up.
  std::size_t max_parked_per_peer = 64;
};

/// What the network supervisor gives the streams subsystem.
struct streams_setup {
  streams_config cfg;
  network_id network;
  peer_id self;
  std::uint64_t seed = 0;
  std::shared_ptr<metrics::registry> metrics;
};

} // namespace mosaik::streams
