#pragma once
// The messaging interface of one consumer actor for LOCAL actors (the
// user's actors, the facade in stream.hpp). Each open_consumer spawns one;
// it subscribes by itself to every producer of its stream the catalog
// lists (consumer_engine.hpp). Memory is bounded end to end: a producer
// may send only what this consumer granted, and it grants again only what
// the application took.
//
//   next_batch{max, timeout}  -> received     at most `max` datums (and every gap seen)
//                                             once one is there, or none after the
//                                             timeout; pulling grants the credit back
//   deliver_to{sink, max}                     push mode instead: sink receives
//                                             stream_batch as requests; its answer (any)
//                                             grants the credit back, then the next comes
//   get_consumer_info{}       -> consumer_info
//   watch_consumer{a}                         a receives consumer_event now and on every
//                                             change of online or connected producers
//   close_consumer{}          -> bool         unsubscribes everywhere; the actor quits

#include "actors/core/ids/ids.hpp"
#include "actors/core/streams/consumer_engine.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <vector>

namespace mosaik::streams {

struct received_datum {
  peer_id producer;
  std::uint64_t seq = 0;
  shared_datum datum;
};

struct next_batch {
  std::size_t max = 256;
  std::chrono::milliseconds timeout{1000};
};

/// Datums in arrival order (per producer in sequence order), and the gaps
/// reported since the last batch.
struct received {
  std::vector<received_datum> datums;
  std::vector<gap> gaps;
};

struct deliver_to {
  caf::actor sink;
  std::size_t max = 256;
};

struct stream_batch {
  stream_id stream;
  received batch;
};

struct get_consumer_info {};

struct consumer_info {
  stream_id stream;
  bool online = false;
  std::vector<consumer_channel> channels;
  consumer_counters counters;
};

struct watch_consumer {
  caf::actor subscriber;
};

struct consumer_event {
  stream_id stream;
  bool online = false;
  /// Producers with a connected channel.
  std::size_t connected = 0;
};

struct close_consumer {};

using consumer_handle = caf::typed_actor<caf::replies_to<next_batch>::with<received>,
                                         caf::reacts_to<deliver_to>,
                                         caf::replies_to<get_consumer_info>::with<consumer_info>,
                                         caf::reacts_to<watch_consumer>,
                                         caf::replies_to<close_consumer>::with<bool>>;

} // namespace mosaik::streams

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::next_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::received)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::deliver_to)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::stream_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::get_consumer_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::consumer_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::watch_consumer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::consumer_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::close_consumer)
