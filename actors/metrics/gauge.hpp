#pragma once
// A handle on one gauge time series of a metrics::registry (a value that goes
// up and down: sizes, active counts). Cheap to copy; valid while its registry
// lives. A default-constructed handle is unbound: it ignores writes, reads 0.

namespace prometheus {
class Gauge;
}

namespace mosaik::metrics {

class gauge {
public:
  gauge() = default;
  explicit gauge(prometheus::Gauge& g) : g_(&g) {}

  void set(double v);
  void inc(double by = 1);
  void dec(double by = 1);
  double value() const;

private:
  prometheus::Gauge* g_ = nullptr;
};

} // namespace mosaik::metrics
