#include "apps/examples/kv/kv_options.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace mosaik::kv {

parsed parse_options(int argc, char** argv) {
  options o;
  CLI::App app{"mosaik-kv: a replicated key-value store on a mosaik group, over HTTP", "mosaik-kv"};
  app.add_option("--network", o.network, "Network name (or its 64-hex id)")->required();
  app.add_option("--listen", o.listen, "host:port to accept links on; port 0 picks one")
    ->capture_default_str();
  app.add_option("--bootstrap", o.bootstrap, "[PEERID@]host:port of a peer to dial (repeatable)");
  app.add_option("--data-dir", o.data_dir, "Directory for the node's key and its group's log")->required();
  app.add_option("--http", o.http, "host:port (numeric host) to serve the key-value API on; port 0 picks one")
    ->capture_default_str();
  app.add_option("--metrics-addr", o.metrics_addr,
                 "host:port (numeric host) to serve Prometheus metrics on at /metrics");
  app.add_option("--group", o.group, "The group's name within the network")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return {std::nullopt, app.exit(e)};
  } catch (const CLI::ParseError& e) {
    std::cerr << "mosaik-kv: " << e.what() << "\nRun 'mosaik-kv --help' for usage.\n";
    return {std::nullopt, 2};
  }
  return {std::move(o), 0};
}

std::string group_secret(const options& o) { return "mosaik-kv/" + o.network + "/" + o.group; }

} // namespace mosaik::kv
