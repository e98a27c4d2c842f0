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

struct producer_state {
  static inline const char* name = "mosaik.streams.producer";

  std::optional<producer_engine> eng;
  node::node_handle node;
  stream_id stream;
  std::map<peer_id, peer_description> catalog;
  /// Waiting publishes in arrival order (at most max_waiting).
  std::deque<waiting_publish> waiting;
  std::vector<caf::actor> watchers;
  bool flush_queued = false;
  bool timer_armed = false;
  std::optional<producer_metrics> metrics;
  std::shared_ptr<spdlog::logger> log;

  static constexpr std::size_t max_waiting = 4096;
};

using producer_actor = caf::stateful_actor<producer_state>;

} // namespace mosaik::streams
