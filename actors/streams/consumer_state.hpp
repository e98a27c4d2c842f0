#pragma once
// The state of a consumer actor (consumer_actor.hpp).

#include "actors/core/streams/consumer_engine.hpp"
#include "actors/streams/consumer_api.hpp"
#include "actors/streams/stream_metrics.hpp"

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <vector>

namespace spdlog {
class logger;
}

namespace mosaik::streams {

/// A next_batch waiting for a datum or a gap.
struct waiting_pull {
  std::size_t max = 0;
  millis deadline;
  caf::typed_response_promise<received> rp;
};

struct consumer_state {
  static inline const char* name = "mosaik.streams.consumer";

  std::optional<consumer_engine> eng;
  caf::actor router;
  stream_id stream;
  /// Delivered, not yet taken by the application (bounded by the credit).
  std::deque<received_datum> ready;
  std::vector<gap> gaps;
  std::deque<waiting_pull> pulls;
  caf::actor sink;
  std::size_t sink_max = 0;
  bool sink_busy = false;
  std::vector<caf::actor> watchers;
  bool last_online = false;
  std::size_t last_connected = 0;
  /// When the timer fires next, if armed.
  std::optional<millis> timer_at;
  std::optional<consumer_metrics> metrics;
  std::shared_ptr<spdlog::logger> log;

  static constexpr std::size_t max_pulls = 1024;
};

using consumer_actor = caf::stateful_actor<consumer_state>;

} // namespace mosaik::streams
