#include "actors/metrics/counter.hpp"

#include <prometheus/counter.h>

namespace mosaik::metrics {

void counter::inc(std::uint64_t n) {
  if (c_)
    c_->Increment(static_cast<double>(n));
}

std::uint64_t counter::value() const {
  return c_ ? static_cast<std::uint64_t>(c_->Value()) : 0;
}

} // namespace mosaik::metrics
