// The node mode of mosaik_bench_group: one of the three durable members of
// the group (LMDB in its data dir), and the settings every process shares.
#include "apps/bench/group_bench.hpp"

#include "actors/discovery/discovery_api.hpp"
#include "actors/metrics/registry.hpp"
#include "actors/network/network.hpp"
#include "actors/transport/system_config.hpp"
#include "apps/examples/kv/kv_machine.hpp"

#include <caf/actor_system.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <pthread.h>
#include <sstream>

namespace mosaik::bench {

groups::join_options group_options(raft::leadership preference) {
  groups::join_options o;
  o.consensus.min_voters = 3;
  o.preference = preference;
  return o;
}

node::node_config group_node(const std::string& network, const std::string& data_dir,
                             std::vector<link::peer_address> bootstrap) {
  node::node_config cfg;
  cfg.network = network;
  cfg.data_dir = data_dir;
  cfg.bootstrap = std::move(bootstrap);
  cfg.metrics = std::make_shared<metrics::registry>();
  return cfg;
}

namespace {

/// The sum of every series of `name` (one per group; there is one group).
double total(const metrics::registry& r, const std::string& name) {
  double sum = 0;
  for (const auto& s : r.snapshot())
    if (s.name == name || s.name.starts_with(name + "{"))
      sum += s.value;
  return sum;
}

void print_stats(const metrics::registry& r, const group<kv::machine>& g) {
  auto v = g.view(std::chrono::seconds{2});
  std::string role = !v ? "unknown" : v->observer ? "observer" : std::string{raft::to_string(v->role)};
  std::printf("stats role=%s voters=%zu commit=%llu sent=%.0f received=%.0f bytes_sent=%.0f bytes_received=%.0f\n",
              role.c_str(), v ? v->voters : 0, static_cast<unsigned long long>(v ? v->commit : 0),
              total(r, "mosaik.groups.bonds.messages.sent"),
              total(r, "mosaik.groups.bonds.messages.received"),
              total(r, "mosaik.groups.bonds.bytes.sent"), total(r, "mosaik.groups.bonds.bytes.received"));
  std::fflush(stdout);
}

} // namespace

bool parse_node_stats(const std::string& line, node_stats& out) {
  std::istringstream words{line};
  std::string word;
  if (!(words >> word) || word != "stats")
    return false;
  while (words >> word) {
    auto eq = word.find('=');
    if (eq == std::string::npos)
      return false;
    auto key = word.substr(0, eq);
    auto value = word.substr(eq + 1);
    if (key == "role")
      out.role = value;
    else if (key == "voters")
      out.voters = std::stoull(value);
    else if (key == "commit")
      out.commit = std::stoull(value);
    else if (key == "sent")
      out.sent = std::stod(value);
    else if (key == "received")
      out.received = std::stod(value);
    else if (key == "bytes_sent")
      out.bytes_sent = std::stod(value);
    else if (key == "bytes_received")
      out.bytes_received = std::stod(value);
  }
  return true;
}

int serve_group_node(const std::string& network, const std::string& data_dir,
                     const std::vector<link::peer_address>& bootstrap) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr); // before any thread starts
  transport::system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  // The node dials its peers only once it has joined: a peer that synced
  // its catalog before the join would learn of the group listing late, and
  // the bond would wait for that (seen as a group that takes 60 s to form).
  auto cfg = group_node(network, data_dir, {});
  auto registry = cfg.metrics;
  auto net = network::start(sys, cfg, secret_key::generate(), std::chrono::seconds{10});
  if (!net) {
    std::cout << "failed: " << net.error() << std::endl;
    return 1;
  }
  auto g = net->join<kv::machine>(group_secret, std::chrono::seconds{10},
                                  group_options(raft::leadership::normal()));
  if (!g) {
    std::cout << "failed: " << g.error() << std::endl;
    return 1;
  }
  std::vector<wire::endpoint> peers;
  for (const auto& b : bootstrap)
    peers.push_back(b.endpoint);
  caf::anon_send(net->discovery(), discovery::dial_addresses{peers});
  std::cout << net->peer().hex() << '@' << link::to_string(net->listen()) << std::endl;
  for (int sig = 0; sig != SIGTERM;) {
    sigwait(&signals, &sig);
    if (sig == SIGUSR1)
      print_stats(*registry, *g);
  }
  (void)net->shutdown(std::chrono::seconds{3});
  return 0;
}

} // namespace mosaik::bench
