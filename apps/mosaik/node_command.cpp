// `mosaik node ...`: runs a node until SIGINT or SIGTERM, then departs.
#include "apps/mosaik/commands.hpp"

#include "actors/core/link/peer_address.hpp"
#include "actors/logging/log.hpp"
#include "actors/metrics/http_exposer.hpp"
#include "actors/network/network.hpp"
#include "apps/node_setup/node_setup.hpp"
#include "actors/transport/system_config.hpp"

#include <caf/actor_system.hpp>

#include <map>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mosaik::cli {

namespace {

struct node_options {
  std::string network;
  std::string listen = "127.0.0.1:0";
  std::vector<std::string> bootstrap;
  std::string key_file;
  std::string data_dir;
  std::vector<std::string> tags;
  std::string metrics_addr; // empty: no HTTP endpoint
  std::int64_t announce_interval_ms = 0; // 0: the discovery default
  std::int64_t purge_after_ms = 0;
};

/// `500ms`, `2s`, `1m`, `1h`: a unit is required.
CLI::Validator duration_ms() {
  std::map<std::string, std::int64_t> units{{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}};
  auto required = static_cast<CLI::AsNumberWithUnit::Options>(
    CLI::AsNumberWithUnit::CASE_SENSITIVE | CLI::AsNumberWithUnit::UNIT_REQUIRED);
  return CLI::AsNumberWithUnit(units, required, "DURATION");
}

int run_node(const node_options& o) {
  auto fail = [](const std::string& msg) {
    std::cerr << "mosaik node: " << msg << '\n';
    return 1;
  };
  auto usage = [](const std::string& msg) {
    std::cerr << "mosaik node: " << msg << '\n';
    return 2;
  };
  std::optional<wire::endpoint> metrics_at;
  if (!o.metrics_addr.empty()) {
    auto at = link::parse_endpoint(o.metrics_addr, true);
    if (!at)
      return usage("--metrics-addr: " + at.error());
    metrics_at = *at;
  }
  node::node_config cfg;
  cfg.network = o.network;
  cfg.metrics = std::make_shared<metrics::registry>(metrics::network_labels(network_id::from(o.network)));
  if (auto bad = app::set_addresses(cfg, o.listen, o.bootstrap))
    return fail(*bad);
  for (const auto& t : o.tags)
    cfg.tags.push_back(tag::from(t));
  if (o.announce_interval_ms > 0)
    cfg.discovery->announce_interval = std::chrono::milliseconds{o.announce_interval_ms};
  if (o.purge_after_ms > 0)
    cfg.discovery->purge_after = std::chrono::milliseconds{o.purge_after_ms};
  if (auto bad = discovery::check(*cfg.discovery)) {
    std::cerr << "mosaik node: " << *bad << '\n';
    return 2;
  }
  cfg.data_dir = o.data_dir;
  if (auto bad = app::make_data_dir(o.data_dir))
    return fail(*bad);
  auto key = app::node_key(o.key_file, o.data_dir);
  if (!key)
    return fail(key.error());
  // Signals are taken by wait() below; every CAF thread inherits the mask.
  app::stop_signals signals;
  std::unique_ptr<metrics::http_exposer> exposer; // its threads inherit the mask
  if (metrics_at) {
    auto e = metrics::http_exposer::start(*metrics_at, cfg.metrics);
    if (!e)
      return usage(e.error());
    exposer = std::move(*e);
  }
  transport::system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  auto net = mosaik::network::start(sys, cfg, std::move(*key), std::chrono::seconds{10});
  if (!net)
    return fail(net.error());
  std::cout << app::first_line(*net) << std::endl;
  if (exposer)
    std::cout << "metrics " << exposer->url() << std::endl;
  int sig = signals.wait();
  log::get("transport")->info("signal {}: departing", sig);
  // Every departure phase, each within the window, and the links' last.
  (void)net->shutdown(3 * cfg.link.departure_window + std::chrono::seconds{1});
  return 0;
}

} // namespace

void add_node_command(CLI::App& app, command_fn& selected) {
  auto o = std::make_shared<node_options>();
  auto* cmd = app.add_subcommand("node", "Run a node until SIGINT or SIGTERM");
  cmd->add_option("--network", o->network, "Network name (or its 64-hex id)")->required();
  cmd->add_option("--listen", o->listen, "host:port to accept links on; port 0 picks one")
    ->capture_default_str();
  cmd->add_option("--bootstrap", o->bootstrap, "[PEERID@]host:port of a peer to dial (repeatable)");
  cmd->add_option("--key", o->key_file, "Secret key file; created (mode 0600) when missing");
  cmd->add_option("--data-dir", o->data_dir, "Directory for the node's files (its key when --key is not given)");
  cmd->add_option("--tag", o->tags, "A tag this node advertises (repeatable)");
  cmd->add_option("--metrics-addr", o->metrics_addr,
                  "host:port (numeric host) to serve Prometheus metrics on at /metrics; port 0 picks one");
  cmd->add_option("--announce-interval", o->announce_interval_ms,
                  "Mean time between announcements of this node's entry (e.g. 45s, 500ms)")
    ->transform(duration_ms())
    ->check(CLI::PositiveNumber);
  cmd->add_option("--purge-after", o->purge_after_ms,
                  "Forget a peer not heard of for this long (e.g. 5m, 30s)")
    ->transform(duration_ms())
    ->check(CLI::PositiveNumber);
  cmd->callback([&selected, o] { selected = [o] { return run_node(*o); }; });
}

} // namespace mosaik::cli
