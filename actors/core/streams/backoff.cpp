#include "actors/core/streams/backoff.hpp"

#include "actors/core/check.hpp"

#include <algorithm>

namespace mosaik::streams {

backoff::backoff(const backoff_config& cfg, millis now)
  : cfg_(cfg), start_(now), current_(cfg.initial) {
  MOSAIK_CHECK(cfg.initial.count() > 0 && cfg.multiplier >= 1.0 && cfg.randomization >= 0.0
                 && cfg.randomization < 1.0 && cfg.max_interval >= cfg.initial,
               "backoff_config: initial ", cfg.initial.count(), " ms, multiplier ",
               cfg.multiplier, ", randomization ", cfg.randomization, ", max interval ",
               cfg.max_interval.count(), " ms");
}

std::optional<millis> backoff::next(millis now, rng& r) {
  auto interval = static_cast<double>(current_.count());
  auto low = interval * (1.0 - cfg_.randomization);
  auto high = interval * (1.0 + cfg_.randomization);
  auto drawn = low + r.unit() * (high - low);
  auto wait = std::min(millis{static_cast<millis::rep>(drawn)}, cfg_.max_interval);
  auto grown = static_cast<double>(current_.count()) * cfg_.multiplier;
  current_ = std::min(millis{static_cast<millis::rep>(grown)}, cfg_.max_interval);
  if (now + wait - start_ > cfg_.max_elapsed)
    return std::nullopt;
  return wait;
}

void backoff::reset(millis now) {
  start_ = now;
  current_ = cfg_.initial;
}

} // namespace mosaik::streams
