#pragma once
// The parts of mosaik_bench_stream: the stream every process uses, the
// publisher (an actor in the driver's node, stream_bench_publisher.cpp)
// and the subscriber mode (a consumer node, stream_bench_subscriber.cpp).

#include "actors/streams/producer_api.hpp"
#include "actors/streams/stream_setup.hpp"
#include "apps/bench/stream_bench.hpp"

#include <caf/fwd.hpp>

namespace mosaik::bench {

/// The benchmark's datums: bytes of --size, nothing to decode.
struct bench_datum {};

/// The stream, with default options.
constexpr streams::stream_def bench_stream{"mosaik-bench.stream.v1"};

/// Publishes copies of `datum` as fast as the producer takes them: 256
/// outstanding in publish_many messages of 64; what a full stream hands
/// back is published again one by one, each waiting for room. With `pace` (several consumers) it also holds back
/// while some subscription's queue is half full: the stream would cut that
/// consumer off as too slow, where one consumer gets `full` instead.
caf::behavior publisher(caf::event_based_actor* self, streams::producer_handle producer, bytes datum,
                        bool pace);

/// The subscriber mode: a node of `o.network` that consumes the stream in
/// push mode from the producer at `o.connect` (PEERID@HOST:PORT), prints
/// `ready` once connected and answers SIGUSR1 with its counts until SIGTERM.
int serve_subscriber(const stream_options& o);

} // namespace mosaik::bench
