#pragma once
// Round-trip time per peer as in RFC 6298: SRTT and RTTVAR with
// alpha = 1/8 and beta = 1/4, the first sample sets SRTT = R and
// RTTVAR = R/2, and RTO = SRTT + max(G, 4 * RTTVAR), at least `min_rto`.

#include <chrono>
#include <optional>

namespace mosaik::link {

class rtt_estimator {
public:
  using micros = std::chrono::microseconds;

  explicit rtt_estimator(micros granularity = micros{1000}, micros min_rto = micros{200'000})
    : granularity_(granularity), min_rto_(min_rto) {}

  void sample(micros r);

  bool has_sample() const { return has_sample_; }
  micros srtt() const { return srtt_; }
  micros rttvar() const { return rttvar_; }
  /// The retransmission timeout; 1 s (RFC 6298 2.1) before the first sample.
  micros rto() const;

private:
  micros granularity_;
  micros min_rto_;
  micros srtt_{0};
  micros rttvar_{0};
  bool has_sample_ = false;
};

} // namespace mosaik::link
