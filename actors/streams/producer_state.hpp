#pragma once
// The state of a producer actor (producer_actor.hpp).

#include "actors/core/streams/producer_engine.hpp"
#include "actors/node/node_api.hpp"
#include "actors/streams/producer_api.hpp"
#include "actors/streams/stream_metrics.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace spdlog {
class logger;
}

namespace mosaik::streams {

/// A publish that waits for the stream to be online and to have room.
struct waiting_publish {
  shared_datum datum;
  millis deadline;
  caf::typed_response_promise<publish_result> rp;
};

/// Frames for one consumer's node, in order: one at a time goes to the
/// node as try_send_frame, so a link whose backlog is full holds them here
/// (bounded by the credit the engine spent on them) until it is writable,
/// rather than dropping one and leaving a gap and the credit lost.
struct outbox {
  /// The front is the one out (or refused); encoded when it goes, again
  /// after a refusal.
  std::deque<stream_message> messages;
  enum class state : std::uint8_t { idle, sending, blocked } at = state::idle;
  /// Tells a reply for an outbox of a previous link from one for this.
  std::uint64_t id = 0;
  /// Batch payload bytes in `messages`.
  std::size_t bytes = 0;
};

/// Datums for the undelivered sink while it has not answered the last.
struct undelivered_queue {
  caf::actor sink;
  std::deque<shared_datum> datums;
  std::size_t bytes = 0;
  std::uint64_t dropped_since_last = 0;
  std::uint64_t dropped = 0;
  bool busy = false;
};

struct producer_state {
  static inline const char* name = "mosaik.streams.producer";

  std::optional<producer_engine> eng;
  node::node_handle node;
  stream_id stream;
  std::map<peer_id, peer_description> catalog;
  /// Waiting publishes in arrival order (at most max_waiting, and
  /// options.buffer_bytes bytes of datums but for the first).
  std::deque<waiting_publish> waiting;
  std::size_t waiting_bytes = 0;
  std::vector<caf::actor> watchers;
  std::map<peer_id, outbox> outboxes;
  std::uint64_t next_outbox_id = 0;
  outbox_stats outbox_totals;
  undelivered_queue undelivered;
  bool flush_queued = false;
  bool timer_armed = false;
  std::optional<producer_metrics> metrics;
  std::shared_ptr<spdlog::logger> log;

  static constexpr std::size_t max_waiting = 4096;
};

using producer_actor = caf::stateful_actor<producer_state>;

} // namespace mosaik::streams
