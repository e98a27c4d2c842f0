#include "actors/metrics/gauge.hpp"

#include <prometheus/gauge.h>

namespace mosaik::metrics {

void gauge::set(double v) {
  if (g_)
    g_->Set(v);
}

void gauge::inc(double by) {
  if (g_)
    g_->Increment(by);
}

void gauge::dec(double by) {
  if (g_)
    g_->Decrement(by);
}

double gauge::value() const {
  return g_ ? g_->Value() : 0.0;
}

} // namespace mosaik::metrics
