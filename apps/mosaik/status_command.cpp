// `mosaik status ADDR --network NAME [--json]`: asks a node for its status
// over a client-role handshake.
#include "apps/mosaik/commands.hpp"
#include "apps/mosaik/status_output.hpp"

#include "actors/core/link/peer_address.hpp"
#include "actors/node/status_client.hpp"
#include "actors/transport/system_config.hpp"

#include <caf/actor_system.hpp>

#include <iostream>
#include <memory>
#include <string>

namespace mosaik::cli {

namespace {

struct status_options {
  std::string address;
  std::string network;
  bool json = false;
};

int run_status(const status_options& o) {
  auto addr = link::parse_endpoint(o.address);
  if (!addr) {
    std::cerr << "mosaik status: " << addr.error() << '\n';
    return 2;
  }
  transport::system_config cfg;
  caf::actor_system sys{cfg};
  auto s = node::query_status(sys, {*addr, o.network});
  if (!s) {
    std::cerr << "mosaik status: " << s.error() << '\n';
    return 1;
  }
  if (o.json)
    std::cout << status_json(*s) << '\n';
  else
    print_status_table(std::cout, *s);
  return 0;
}

} // namespace

void add_status_command(CLI::App& app, command_fn& selected) {
  auto o = std::make_shared<status_options>();
  auto* cmd = app.add_subcommand("status", "Print a node's peer id, network, uptime, links, catalog, groups and metrics");
  cmd->add_option("ADDR", o->address, "host:port the node listens on")->required();
  cmd->add_option("--network", o->network, "The network the node belongs to")->required();
  cmd->add_flag("--json", o->json, "One JSON object instead of a table");
  cmd->callback([&selected, o] { selected = [o] { return run_status(*o); }; });
}

} // namespace mosaik::cli
