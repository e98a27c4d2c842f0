#pragma once
// Reconnect delays: exponential growth with jitter, drawn from a caller's
// seeded generator so simulations replay exactly.

#include "actors/core/link/link_config.hpp"

#include <random>

namespace mosaik::link {

class backoff {
public:
  explicit backoff(const backoff_config& cfg = {}) : cfg_(cfg) {}

  /// The delay before the next attempt; each call grows the base delay.
  duration next(std::mt19937_64& rng);

  /// After a success: the next delay starts again from `initial`.
  void reset() { attempts_ = 0; }

  unsigned attempts() const { return attempts_; }

private:
  backoff_config cfg_;
  unsigned attempts_ = 0;
};

} // namespace mosaik::link
