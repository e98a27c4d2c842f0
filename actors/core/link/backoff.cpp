#include "actors/core/link/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace mosaik::link {

duration backoff::next(std::mt19937_64& rng) {
  auto initial = static_cast<double>(cfg_.initial.count());
  auto cap = static_cast<double>(cfg_.max.count());
  auto base = std::min(cap, initial * std::pow(cfg_.multiplier, attempts_));
  if (base < cap)
    ++attempts_;
  auto jitter = std::clamp(cfg_.jitter, 0.0, 1.0);
  std::uniform_real_distribution<double> draw(base * (1.0 - jitter), base);
  return duration{static_cast<duration::rep>(jitter > 0 ? draw(rng) : base)};
}

} // namespace mosaik::link
