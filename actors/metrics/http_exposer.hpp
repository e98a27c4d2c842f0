#pragma once
// Serves a registry's metrics over HTTP at /metrics in the Prometheus text
// format (prometheus-cpp's Exposer on civetweb; its threads only read the
// registry).
//
//   auto e = metrics::http_exposer::start({"127.0.0.1", 0}, registry);  // port 0 picks one
//   if (e) std::cout << (*e)->url() << '\n';                             // http://127.0.0.1:PORT/metrics

#include "actors/core/expected.hpp"
#include "actors/core/wire/handshake.hpp"
#include "actors/metrics/registry.hpp"

#include <memory>
#include <string>

namespace prometheus {
class Exposer;
}

namespace mosaik::metrics {

class http_exposer {
public:
  /// Listens on `at` (a numeric IPv4 or IPv6 host). The error is one line:
  /// the host is not numeric, or the address cannot be bound.
  static expected<std::unique_ptr<http_exposer>, std::string>
  start(const wire::endpoint& at, std::shared_ptr<registry> r);

  ~http_exposer();
  http_exposer(const http_exposer&) = delete;
  http_exposer& operator=(const http_exposer&) = delete;

  /// Where it listens, with the port it got.
  const wire::endpoint& address() const { return address_; }
  /// `http://HOST:PORT/metrics`.
  std::string url() const;

private:
  http_exposer(std::unique_ptr<prometheus::Exposer> e, wire::endpoint address,
               std::shared_ptr<registry> r);

  std::unique_ptr<prometheus::Exposer> exposer_;
  wire::endpoint address_;
  std::shared_ptr<registry> registry_; // the exposer only holds a weak pointer
};

} // namespace mosaik::metrics
