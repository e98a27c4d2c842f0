#include "actors/core/link/rtt_estimator.hpp"

#include <algorithm>

namespace mosaik::link {

void rtt_estimator::sample(micros r) {
  r = std::max(r, micros{0});
  if (!has_sample_) {
    srtt_ = r;
    rttvar_ = r / 2;
    has_sample_ = true;
    return;
  }
  // RTTVAR first, from the old SRTT (RFC 6298 2.3).
  auto err = srtt_ > r ? srtt_ - r : r - srtt_;
  rttvar_ = (3 * rttvar_ + err) / 4;
  srtt_ = (7 * srtt_ + r) / 8;
}

rtt_estimator::micros rtt_estimator::rto() const {
  if (!has_sample_)
    return micros{1'000'000};
  return std::max(min_rto_, srtt_ + std::max(granularity_, 4 * rttvar_));
}

} // namespace mosaik::link
