// discovery_watch NETWORK [BOOTSTRAP]: a CAF application that runs a mosaik
// node and prints what its discovery actor reports, until SIGINT.
//
//   build/apps/examples/discovery_watch demo 127.0.0.1:7000
#include "actors/core/link/peer_address.hpp"
#include "actors/core/overloaded.hpp"
#include "actors/discovery/discovery_api.hpp"
#include "actors/network/network.hpp"
#include "actors/transport/system_config.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include <csignal>
#include <iostream>
#include <pthread.h>

using namespace mosaik;

namespace {

/// Prints every batch of discovery events; returning from the handler
/// answers the batch, which lets the next one come.
caf::behavior printer(caf::event_based_actor*) {
  return {[](const discovery::discovery_events& batch) {
    for (const auto& e : batch.events)
      std::visit(overloaded{
                   [](const discovery::peer_discovered& d) {
                     std::cout << "discovered " << d.entry.peer().short_hex() << '\n';
                   },
                   [](const discovery::peer_updated& u) {
                     std::cout << "updated    " << u.entry.peer().short_hex() << '\n';
                   },
                   [](const discovery::peer_departed& d) {
                     std::cout << "departed   " << d.peer.short_hex() << '\n';
                   },
                 },
                 e);
    if (batch.lost > 0)
      std::cout << "(missed " << batch.lost << " events)\n";
    std::cout.flush();
  }};
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: discovery_watch NETWORK [[PEERID@]HOST:PORT]\n";
    return 2;
  }
  node::node_config cfg;
  cfg.network = argv[1];
  if (argc > 2) {
    auto boot = link::parse_peer_address(argv[2]);
    if (!boot) {
      std::cerr << "discovery_watch: " << boot.error() << '\n';
      return 2;
    }
    cfg.bootstrap.push_back(*boot);
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr); // CAF's threads inherit the mask

  transport::system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  auto net = network::start(sys, cfg, secret_key::generate(), std::chrono::seconds{10});
  if (!net) {
    std::cerr << "discovery_watch: " << net.error() << '\n';
    return 1;
  }
  std::cout << "node " << net->peer().short_hex() << " at " << link::to_string(net->listen()) << '\n';
  auto watcher = sys.spawn(printer);
  caf::anon_send(net->discovery(), discovery::subscribe_discovery{watcher});

  int sig = 0;
  sigwait(&signals, &sig);
  (void)net->shutdown(std::chrono::seconds{3});
  caf::anon_send_exit(watcher, caf::exit_reason::user_shutdown);
  return 0;
}
