#pragma once
// The messaging interface of one stream's producer actor for LOCAL actors
// (the user's actors, the facade in stream.hpp). Every handle of a stream
// on a node names the same actor: one fan-out per stream id. Datums travel
// encoded once (value_codec.hpp) and shared by every subscription.
//
//   publish{d, wait, timeout}  -> publish_result  sent (with its sequence number), or why
//                                                 not with the datum handed back; with
//                                                 `wait`, offline and full wait (in order)
//                                                 up to the timeout: at most 4096, holding
//                                                 at most buffer_bytes (but for the first);
//                                                 past that `full` at once
//   publish_many{ds}           -> publish_many_result  at once, in order, as many as the
//                                                 stream takes: how many were sent (their
//                                                 sequence numbers consecutive from
//                                                 first_seq), why the next was not and the
//                                                 rest handed back; nothing is sent while
//                                                 waiting publishes hold the order
//   get_producer_info{}        -> producer_info
//   watch_producer{a}                             a receives producer_event now and on
//                                                 every change of online or subscriptions
//   close_producer{}           -> bool            graceful_shutdown to every consumer; the
//                                                 stream leaves the local entry; the actor quits
//
// The undelivered sink (producer_setup::undelivered) gets undelivered_batch
// as requests, one at a time: its answer (any) lets the next go. While it
// has not answered, the datums wait in the producer, bounded like one
// subscription's queue (buffer_size datums, buffer_bytes bytes); past that
// the oldest are dropped, counted in the next batch's `dropped` and in
// producer_info. A slow sink never holds back send or the consumers.

#include "actors/core/ids/ids.hpp"
#include "actors/core/streams/producer_engine.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <vector>

namespace mosaik::streams {

struct publish {
  shared_datum datum;
  bool wait = false;
  std::chrono::milliseconds timeout{0};
};

struct publish_result {
  send_status status = send_status::sent;
  std::uint64_t seq = 0;
  /// The datum when it was not sent.
  shared_datum returned;
};

/// Many datums in one message: the per-datum message is the cost of small
/// datums.
struct publish_many {
  std::vector<shared_datum> datums;
};

struct publish_many_result {
  /// sent when every datum was; else why datums[sent] was not.
  send_status status = send_status::sent;
  std::size_t sent = 0;
  std::uint64_t first_seq = 0;
  /// datums[sent..], in order.
  std::vector<shared_datum> returned;
};

struct get_producer_info {};

/// The frames held for consumers' nodes whose link was full.
struct outbox_stats {
  /// Times the node answered `over_cap` (frames held for link_writable).
  std::uint64_t refused = 0;
  /// The most messages, and batch payload bytes, one outbox held.
  std::size_t peak_messages = 0;
  std::size_t peak_bytes = 0;
};

struct producer_info {
  stream_id stream;
  bool online = false;
  std::vector<producer_channel> channels;
  producer_counters counters;
  outbox_stats outboxes{};
  /// Undelivered datums dropped because the sink was slow (or gone).
  std::uint64_t undelivered_dropped = 0;
};

/// To the undelivered sink: sent datums no subscription took, in order.
struct undelivered_batch {
  stream_id stream;
  std::vector<shared_datum> datums;
  /// Dropped since the previous batch (the sink was slow).
  std::uint64_t dropped = 0;
};

struct watch_producer {
  caf::actor subscriber;
};

struct producer_event {
  stream_id stream;
  bool online = false;
  std::size_t subscriptions = 0;
};

struct close_producer {};

using producer_handle = caf::typed_actor<caf::replies_to<publish>::with<publish_result>,
                                         caf::replies_to<publish_many>::with<publish_many_result>,
                                         caf::replies_to<get_producer_info>::with<producer_info>,
                                         caf::reacts_to<watch_producer>,
                                         caf::replies_to<close_producer>::with<bool>>;

} // namespace mosaik::streams

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::publish)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::publish_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::publish_many)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::publish_many_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::get_producer_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::producer_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::watch_producer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::producer_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::close_producer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::undelivered_batch)
