#pragma once
// Smoothed round-trip time of one peer, as RFC 6298: the first sample sets
// srtt = s and rttvar = s / 2; later ones move rttvar by a quarter of the
// deviation and srtt by an eighth of the difference.

#include <chrono>
#include <cstdlib>

namespace mosaik::discovery {

class rtt_estimator {
public:
  using micros = std::chrono::microseconds;

  void sample(micros s) {
    if (!initialised_) {
      srtt_ = s;
      rttvar_ = s / 2;
      initialised_ = true;
      return;
    }
    auto deviation = micros{std::llabs((srtt_ - s).count())};
    rttvar_ = (3 * rttvar_ + deviation) / 4;
    srtt_ = (7 * srtt_ + s) / 8;
  }

  micros srtt() const { return srtt_; }
  micros rttvar() const { return rttvar_; }

private:
  micros srtt_{0};
  micros rttvar_{0};
  bool initialised_ = false;
};

} // namespace mosaik::discovery
