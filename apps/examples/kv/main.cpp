// mosaik-kv: one node of a replicated string key-value store, served over
// HTTP (kv_service.hpp), until SIGINT or SIGTERM.
#include "actors/core/link/peer_address.hpp"
#include "actors/logging/log.hpp"
#include "actors/metrics/http_exposer.hpp"
#include "actors/network/network.hpp"
#include "actors/transport/system_config.hpp"
#include "apps/examples/kv/kv_http.hpp"
#include "apps/examples/kv/kv_machine.hpp"
#include "apps/examples/kv/kv_options.hpp"
#include "apps/examples/kv/kv_service.hpp"
#include "apps/node_setup/node_setup.hpp"

#include <caf/actor_system.hpp>

#include <iostream>
#include <utility>

namespace {

using namespace std::chrono_literals;
using namespace mosaik;

/// How long a request waits for the group.
constexpr auto op_timeout = 5s;

int fail(const std::string& msg, int code = 1) {
  std::cerr << "mosaik-kv: " << msg << '\n';
  return code;
}

int run(const kv::options& o) {
  auto http_at = link::parse_endpoint(o.http, true);
  if (!http_at)
    return fail("--http: " + http_at.error(), 2);
  std::optional<wire::endpoint> metrics_at;
  if (!o.metrics_addr.empty()) {
    auto at = link::parse_endpoint(o.metrics_addr, true);
    if (!at)
      return fail("--metrics-addr: " + at.error(), 2);
    metrics_at = *at;
  }
  node::node_config cfg;
  cfg.network = o.network;
  cfg.metrics = std::make_shared<metrics::registry>(metrics::network_labels(network_id::from(o.network)));
  cfg.data_dir = o.data_dir;
  if (auto bad = app::set_addresses(cfg, o.listen, o.bootstrap))
    return fail(*bad, 2);
  if (auto bad = app::make_data_dir(o.data_dir))
    return fail(*bad);
  auto key = app::node_key({}, o.data_dir);
  if (!key)
    return fail(key.error());
  app::stop_signals signals; // before any thread starts: they inherit the mask
  std::unique_ptr<metrics::http_exposer> exposer;
  if (metrics_at) {
    auto e = metrics::http_exposer::start(*metrics_at, cfg.metrics);
    if (!e)
      return fail(e.error(), 2);
    exposer = std::move(*e);
  }
  transport::system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  // The bootstrap peers are dialled once the group is joined, so the first
  // entry they see of this node lists the group: a node whose group shows
  // up only in a later version of its entry may stay unbonded by its peers.
  auto bootstrap = std::exchange(cfg.bootstrap, {});
  auto net = network::start(sys, cfg, std::move(*key), 10s);
  if (!net)
    return fail(net.error());
  auto g = net->join<kv::machine>(kv::group_secret(o), 10s);
  if (!g)
    return fail("joining the group: " + g.error());
  app::dial_bootstrap(*net, bootstrap);
  kv::service service{*net, *g, op_timeout};
  auto http = kv::http_server::start(*http_at, [&service](const kv::request& r) { return service.handle(r); });
  if (!http)
    return fail(http.error());
  std::cout << app::first_line(*net) << std::endl;
  std::cout << "http http://" << link::to_string((*http)->address()) << std::endl;
  if (exposer)
    std::cout << "metrics " << exposer->url() << std::endl;
  int sig = signals.wait();
  log::get("groups")->info("signal {}: departing", sig);
  http->reset(); // no request is under way while the group closes
  (void)g->close(2s);
  (void)net->shutdown(3 * cfg.link.departure_window + 1s);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  auto parsed = kv::parse_options(argc, argv);
  if (!parsed.opts)
    return parsed.exit_code;
  return run(*parsed.opts);
}
