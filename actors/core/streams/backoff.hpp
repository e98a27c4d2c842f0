#pragma once
// The reconnect policy of a consumer's receiver (FEATURES 5.5, the
// original's exponential backoff): waits start at 500 ms and grow x1.5,
// each drawn within +-50% of the current interval from the caller's
// seeded generator, never longer than 60 s (the original could wait up to
// 1.5 x 60 s), and the policy gives up once 300 s have passed since it was
// started or last reset. Each receiver holds its own: one producer's
// failures never stretch another's waits.

#include "actors/core/rng.hpp"
#include "actors/core/streams/time.hpp"

#include <optional>

namespace mosaik::streams {

struct backoff_config {
  millis initial{500};
  double multiplier = 1.5;
  /// The wait is drawn uniformly in interval * [1 - r, 1 + r].
  double randomization = 0.5;
  millis max_interval{60'000};
  /// Give up when a wait would end later than this after the start.
  millis max_elapsed{300'000};
  friend bool operator==(const backoff_config&, const backoff_config&) = default;
};

class backoff {
public:
  /// Starts the elapsed-time budget at `now`.
  backoff(const backoff_config& cfg, millis now);

  /// The wait before the next attempt, or nullopt when the policy gives up
  /// (the wait would end past max_elapsed from the start).
  std::optional<millis> next(millis now, rng& r);

  /// After a success: waits start again from `initial`, and the budget
  /// from `now`.
  void reset(millis now);

  const backoff_config& config() const { return cfg_; }
  /// The interval the next wait is drawn around.
  millis current_interval() const { return current_; }

private:
  backoff_config cfg_;
  millis start_;
  millis current_;
};

} // namespace mosaik::streams
