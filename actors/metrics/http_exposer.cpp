#include "actors/metrics/http_exposer.hpp"

#include "actors/core/link/peer_address.hpp"

#include <prometheus/exposer.h>

#include <arpa/inet.h>

#include <exception>

namespace mosaik::metrics {

namespace {

bool numeric_host(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

} // namespace

http_exposer::http_exposer(std::unique_ptr<prometheus::Exposer> e, wire::endpoint address,
                           std::shared_ptr<registry> r)
  : exposer_(std::move(e)), address_(std::move(address)), registry_(std::move(r)) {}

http_exposer::~http_exposer() = default;

expected<std::unique_ptr<http_exposer>, std::string>
http_exposer::start(const wire::endpoint& at, std::shared_ptr<registry> r) {
  auto where = link::to_string(at);
  if (!numeric_host(at.host))
    return unexpected{"cannot serve metrics on " + where + ": the host must be a numeric IP address"};
  std::unique_ptr<prometheus::Exposer> e;
  try {
    // civetweb's "listening_ports" syntax is ours: 1.2.3.4:PORT or [::1]:PORT.
    e = std::make_unique<prometheus::Exposer>(where, 1);
  } catch (const std::exception&) {
    return unexpected{"cannot serve metrics on " + where + ": the address cannot be bound"};
  }
  auto ports = e->GetListeningPorts();
  if (ports.empty())
    return unexpected{"cannot serve metrics on " + where + ": no listening port"};
  e->RegisterCollectable(r->collectable());
  wire::endpoint bound{at.host, static_cast<std::uint16_t>(ports.front())};
  return std::unique_ptr<http_exposer>{new http_exposer{std::move(e), std::move(bound), std::move(r)}};
}

std::string http_exposer::url() const {
  return "http://" + link::to_string(address_) + "/metrics";
}

} // namespace mosaik::metrics
