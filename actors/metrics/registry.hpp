#pragma once
// The metrics of one node, backed by a prometheus-cpp Registry: one store
// feeds both the Prometheus exposition (/metrics) and `mosaik status`.
// Several nodes run in one process in simulation, so each node owns its own
// registry (there is no process-global one).
//
//   auto r = std::make_shared<metrics::registry>(metrics::labels{{"network", "a1b2c3d4e5"}});
//   auto opened = r->counter("mosaik.network.connections.opened");   // look up once
//   opened.inc();                                                    // then cheap
//   r->counter("mosaik.network.link.closes.sent", {{"reason", "banned"}}).inc();
//   r->gauge("mosaik.discovery.catalog.size").set(12);
//
// Names are the original's dotted names; the exposition turns the dots into
// underscores (`mosaik_network_connections_opened`). The `common` labels go on
// every series in the exposition; snapshot() leaves them out (the status
// frame names the network already). Creating and looking up series is
// thread-safe; a handle increments with one atomic update.
//
// An invalid name or label name, or a name registered as the other type, is a
// programming error: counter() and gauge() throw std::invalid_argument.

#include "actors/metrics/counter.hpp"
#include "actors/metrics/gauge.hpp"
#include "actors/metrics/labels.hpp"
#include "actors/metrics/sample.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

namespace prometheus {
class Collectable;
class Counter;
class Gauge;
class Registry;
template <typename T>
class Family;
} // namespace prometheus

namespace mosaik::metrics {

class registry {
public:
  explicit registry(labels common = {});
  ~registry();
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  /// The counter `name` with labels `l`, created at 0 on first use.
  metrics::counter counter(const std::string& name, const labels& l = {});
  /// The gauge `name` with labels `l`, created at 0 on first use.
  metrics::gauge gauge(const std::string& name, const labels& l = {});

  /// The current value of a series; 0 when it does not exist (nothing is
  /// created).
  double value(const std::string& name, const labels& l = {}) const;
  /// Every series, sorted by rendered name.
  std::vector<sample> snapshot() const;
  /// The Prometheus text format of every series (with the common labels).
  std::string exposition() const;

  const labels& common() const { return common_; }
  /// What an HTTP exposer serves (see http_exposer).
  std::shared_ptr<prometheus::Collectable> collectable() const;

  /// `mosaik.network.egress.bytes` -> `mosaik_network_egress_bytes`.
  static std::string exposed_name(const std::string& name);

private:
  using any_family = std::variant<prometheus::Family<prometheus::Counter>*,
                                  prometheus::Family<prometheus::Gauge>*>;
  using any_series = std::variant<prometheus::Counter*, prometheus::Gauge*>;
  struct family_entry {
    std::string name; // dotted, as registered
    any_family family;
  };
  template <typename Metric>
  Metric& series(const std::string& name, const labels& l);

  labels common_;
  std::shared_ptr<prometheus::Registry> store_;
  mutable std::mutex mutex_;
  std::map<std::string, family_entry> families_; // by exposed name
  std::map<std::string, any_series> series_;     // by rendered dotted name
};

} // namespace mosaik::metrics
