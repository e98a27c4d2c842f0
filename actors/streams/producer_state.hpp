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

/// Frames for one consumer's node, in order. They go to the node fire and
/// forget with past_cap (never dropped, so never a gap and a lost credit),
/// and every so often one goes as try_send_frame: its answer confirms what
/// went before it, and `over_cap` holds the rest here (bounded by the
/// credit the engine spent on them) until the link is writable. What the
/// node has not confirmed is bounded (max_unconfirmed_*), so the node's
/// backlog grows past its cap by at most that.
struct outbox {
  /// Not yet handed to the node.
  std::deque<stream_message> messages;
  /// Batch payload bytes in `messages`.
  std::size_t bytes = 0;
  /// Handed to the node since the last confirmation: frames, encoded bytes.
  std::size_t unconfirmed_frames = 0;
  std::size_t unconfirmed_bytes = 0;
  /// The try_send_frame out, and what its answer confirms.
  bool asking = false;
  std::size_t asked_frames = 0;
  std::size_t asked_bytes = 0;
  /// The node answered `over_cap`: nothing goes until link_writable.
  bool blocked = false;
  /// Tells a reply for an outbox of a previous link from one for this.
  std::uint64_t id = 0;

  /// One in this many frames (or bytes) asks the node; twice that may be
  /// unconfirmed.
  static constexpr std::size_t ask_every_frames = 32;
  static constexpr std::size_t ask_every_bytes = 4u << 20;
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
