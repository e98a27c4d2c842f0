// mosaik_bench_group: writes through a durable three-node group, from N
// concurrent writers in a fourth node.
//
//   mosaik_bench_group [--writers N] [--seconds S] [--warmup W]
//
// The driver forks three node processes (`--node`) on 127.0.0.1, each with
// LMDB in its own temporary data dir, all joined to one group of the kv
// machine (apps/examples/kv). The driver's own node joins the same group as
// an observer (it never leads; its executes are forwarded to the leader)
// and runs N writer actors, each with one execute of a 256 B put to a
// random key of 100k outstanding. Once the group has its leader and three
// voters: W seconds of warm-up (default 1), then S seconds measured. What
// the nodes did meanwhile (CPU, group messages) is printed, then one line:
//
//   writers=N writes_per_s=X p50_us=Y p99_us=Z
#include "apps/bench/child_process.hpp"
#include "apps/bench/group_bench.hpp"
#include "apps/bench/process_cpu.hpp"

#include "actors/discovery/discovery_api.hpp"
#include "actors/network/network.hpp"
#include "actors/transport/system_config.hpp"
#include "apps/examples/kv/kv_machine.hpp"

#include <caf/actor_system.hpp>
#include <caf/after.hpp>
#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>
#include <unistd.h>

using namespace mosaik;
using namespace mosaik::bench;
using namespace std::chrono_literals;

namespace {

struct options {
  int writers = 1;
  int seconds = 5;
  int warmup = 1;
  // node mode
  bool node = false;
  std::string network;
  std::string data_dir;
  std::vector<link::peer_address> bootstrap;
};

/// A node process, its address and data dir.
struct child {
  child_process proc;
  link::peer_address address;
  std::string data_dir;
};

std::vector<child> children;

void stop_children() {
  for (auto& c : children)
    stop_child(c.proc);
  for (auto& c : children)
    if (!c.data_dir.empty())
      std::filesystem::remove_all(c.data_dir);
}

[[noreturn]] void give_up(const std::string& why) {
  std::cerr << "mosaik_bench_group: " << why << '\n';
  for (auto& c : children)
    if (c.proc.pid > 0)
      ::kill(c.proc.pid, SIGKILL);
  for (auto& c : children)
    if (!c.data_dir.empty())
      std::filesystem::remove_all(c.data_dir);
  std::exit(1);
}

child start_node(const std::string& network, const std::vector<link::peer_address>& bootstrap) {
  std::array<char, 64> tmpl{};
  std::snprintf(tmpl.data(), tmpl.size(), "/tmp/mosaik-bench-group-XXXXXX");
  if (::mkdtemp(tmpl.data()) == nullptr)
    give_up("no temporary directory");
  child c;
  c.data_dir = tmpl.data();
  std::vector<std::string> args{"mosaik_bench_group", "--node", "--network", network,
                                "--data-dir", c.data_dir};
  for (const auto& b : bootstrap) {
    args.push_back("--bootstrap");
    args.push_back(link::to_string(b));
  }
  c.proc = spawn_self(args);
  if (c.proc.pid == 0)
    give_up("no pipe");
  children.push_back(c);
  auto line = read_line(c.proc.out);
  auto parsed = link::parse_peer_address(line);
  if (!parsed)
    give_up("a node did not start (it said: '" + line + "')");
  children.back().address = *parsed;
  return children.back();
}


/// What every node process and the driver have done so far.
struct sample {
  std::vector<node_stats> nodes;
  std::vector<double> cpu; // the children's, then the driver's
};

sample take_sample() {
  sample s;
  for (auto& c : children) {
    ::kill(c.proc.pid, SIGUSR1);
    node_stats st;
    if (!parse_node_stats(read_line(c.proc.out), st))
      give_up("a node sent no stats");
    s.nodes.push_back(st);
    s.cpu.push_back(cpu_seconds_of(c.proc.pid));
  }
  s.cpu.push_back(cpu_seconds_of(::getpid()));
  return s;
}

double percentile(std::vector<double>& xs, double p) {
  if (xs.empty())
    return 0;
  std::sort(xs.begin(), xs.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(xs.size()));
  return xs[std::min(i, xs.size() - 1)];
}

/// Per node, over the window: its role, CPU share of one core, and the group
/// messages it sent and received per second (and per write).
void print_phases(const sample& a, const sample& b, double seconds, double writes) {
  std::printf("  %-10s %-9s %6s %10s %10s %11s %11s\n", "process", "role", "cpu", "sent/s",
              "recv/s", "sent/write", "recv/write");
  for (std::size_t i = 0; i <= children.size(); ++i) {
    double cpu = (b.cpu[i] - a.cpu[i]) / seconds;
    if (i == children.size()) {
      std::printf("  %-10s %-9s %5.0f%%\n", "writers", "observer", 100 * cpu);
      continue;
    }
    double sent = b.nodes[i].sent - a.nodes[i].sent;
    double recv = b.nodes[i].received - a.nodes[i].received;
    std::printf("  node %-5zu %-9s %5.0f%% %10.0f %10.0f %11.2f %11.2f\n", i + 1,
                b.nodes[i].role.c_str(), 100 * cpu, sent / seconds, recv / seconds,
                writes > 0 ? sent / writes : 0, writes > 0 ? recv / writes : 0);
  }
}

/// Waits (up to a minute) until the three nodes run the group with a
/// leader and three voters, before the writers' node joins, so the
/// measurement starts from a formed group.
void await_formed() {
  auto deadline = clock_type::now() + std::chrono::seconds{60};
  while (clock_type::now() < deadline) {
    auto s = take_sample();
    auto leads = [](const node_stats& n) { return n.role == "leader"; };
    auto voting = [](const node_stats& n) { return n.voters == 3; };
    if (std::any_of(s.nodes.begin(), s.nodes.end(), leads)
        && std::all_of(s.nodes.begin(), s.nodes.end(), voting))
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
  give_up("the three nodes did not form the group in 60 s");
}

int run(const options& opt) {
  auto network = "bench-group-" + std::to_string(::getpid());
  auto first = start_node(network, {});
  start_node(network, {first.address});
  start_node(network, {first.address});
  await_formed();
  transport::system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  auto net = network::start(sys, group_node(network, "", {}), secret_key::generate(), 10s);
  if (!net)
    give_up("the writers' node did not start: " + net.error());
  auto g = net->join<kv::machine>(group_secret, 10s, group_options(raft::leadership::observer()));
  if (!g)
    give_up("the writers' node did not join: " + g.error());
  std::vector<wire::endpoint> all; // dialled once joined, as the nodes do
  for (auto& c : children)
    all.push_back(c.address.endpoint);
  caf::anon_send(net->discovery(), discovery::dial_addresses{all});
  auto formed = g->when([](const groups::group_view& v) { return v.online && v.voters >= 3; }, 30s);
  if (!formed)
    give_up("the writers' node did not follow the group in 30 s: " + formed.error().detail);

  std::fprintf(stderr, "mosaik_bench_group: the group formed and followed: %zu voters, leader %s\n",
               formed->voters, formed->leader->short_hex().c_str());
  auto t0 = clock_type::now() + std::chrono::seconds{opt.warmup};
  window w{t0, t0 + std::chrono::seconds{opt.seconds}};
  caf::scoped_actor self{sys};
  for (int i = 0; i < opt.writers; ++i)
    caf::anon_send(sys.spawn(writer, g->actor(), w, 0x5eed0000u + static_cast<unsigned>(i),
                             caf::actor_cast<caf::actor>(self)),
                   caf::atom("go"));
  std::this_thread::sleep_until(w.start);
  auto before = take_sample();
  std::this_thread::sleep_until(w.end);
  auto after = take_sample();

  std::vector<double> us;
  std::uint64_t failed = 0;
  std::string last_failure;
  for (int i = 0; i < opt.writers; ++i)
    self->receive(
      [&](writer_stats& s) {
        us.insert(us.end(), s.us.begin(), s.us.end());
        failed += s.failed;
        if (!s.last_failure.empty())
          last_failure = s.last_failure;
      },
      caf::after(10s) >> [&] { give_up("a writer never finished"); });
  (void)net->shutdown(3s);
  stop_children();

  double seconds = opt.seconds;
  auto writes = static_cast<double>(us.size());
  std::printf("mosaik_bench_group: 3 durable nodes (LMDB) and the writers' node (an observer) on\n"
              "127.0.0.1; %d writers, each one execute of a %zu B put to a random key of %llu\n"
              "outstanding; %d s warm-up, %d s measured. Over the measured window:\n",
              opt.writers, value_bytes, static_cast<unsigned long long>(key_count), opt.warmup,
              opt.seconds);
  print_phases(before, after, seconds, writes);
  if (failed > 0)
    std::printf("  failed writes: %llu (last: %s)\n", static_cast<unsigned long long>(failed),
                last_failure.c_str());
  auto p50 = percentile(us, 0.5);
  auto p99 = percentile(us, 0.99);
  std::printf("writers=%d writes_per_s=%.0f p50_us=%.0f p99_us=%.0f\n", opt.writers,
              writes / seconds, p50, p99);
  return 0;
}

options parse(int argc, char** argv) {
  options opt;
  auto count = [&](int& i, int least) { return std::max(least, std::atoi(argv[++i])); };
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    bool has_value = i + 1 < argc;
    if (flag == "--node")
      opt.node = true;
    else if (flag == "--writers" && has_value)
      opt.writers = count(i, 1);
    else if (flag == "--seconds" && has_value)
      opt.seconds = count(i, 1);
    else if (flag == "--warmup" && has_value)
      opt.warmup = count(i, 0);
    else if (flag == "--network" && has_value)
      opt.network = argv[++i];
    else if (flag == "--data-dir" && has_value)
      opt.data_dir = argv[++i];
    else if (flag == "--bootstrap" && has_value) {
      auto b = link::parse_peer_address(argv[++i]);
      if (!b)
        give_up("bad --bootstrap: " + b.error());
      opt.bootstrap.push_back(*b);
    } else
      give_up("unknown argument " + flag
              + " (usage: mosaik_bench_group [--writers N] [--seconds S] [--warmup W])");
  }
  return opt;
}

} // namespace

int main(int argc, char** argv) {
  ::setenv("MOSAIK_LOG", "warn", 0); // the nodes' info lines would bury the figures
  auto opt = parse(argc, argv);
  if (opt.node)
    return serve_group_node(opt.network, opt.data_dir, opt.bootstrap);
  return run(opt);
}
