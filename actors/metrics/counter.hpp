#pragma once
// A handle on one counter time series of a metrics::registry. Cheap to copy
// and to increment (one atomic update, no lookup): actors look a counter up
// once and keep the handle. Valid while its registry lives. A
// default-constructed handle is unbound: inc() does nothing, value() is 0.

#include <cstdint>

namespace prometheus {
class Counter;
}

namespace mosaik::metrics {

class counter {
public:
  counter() = default;
  explicit counter(prometheus::Counter& c) : c_(&c) {}

  void inc(std::uint64_t n = 1);
  std::uint64_t value() const;

private:
  prometheus::Counter* c_ = nullptr;
};

} // namespace mosaik::metrics
