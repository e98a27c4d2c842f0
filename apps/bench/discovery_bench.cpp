// Discovery convergence benchmark: N nodes bootstrapped from one, on the
// deterministic discovery simulator (simulated time, seeded latency; every
// message goes through the Cap'n Proto codec). Prints, per N, the time until
// every catalog holds every node (in announce intervals) and the traffic per
// node, then the steady-state traffic per node and announce interval.
#include "tests/support/discovery_sim.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace {

using mosaik::discovery::millis;

struct result {
  double rounds = 0;             // convergence time / announce interval
  double messages_per_node = 0;  // until convergence
  double steady_messages = 0;    // per node and announce interval
  double steady_kib = 0;         // per node and announce interval
  double wall_ms = 0;
  bool converged = false;
};

result run(std::size_t n, std::uint64_t seed, double loss, std::size_t fanout, int steady_rounds) {
  mosaik::sim::discovery_sim_options opts;
  opts.nodes = n;
  opts.seed = seed;
  opts.loss = loss;
  opts.cfg.fanout = fanout;
  auto interval = opts.cfg.announce_interval;
  auto started = std::chrono::steady_clock::now();
  mosaik::sim::discovery_sim sim{opts};
  result r;
  auto at = sim.run_until([&] { return sim.converged(); }, 20 * interval, millis{20});
  if (at) {
    r.converged = true;
    r.rounds = static_cast<double>(at->count()) / static_cast<double>(interval.count());
    r.messages_per_node = static_cast<double>(sim.messages_sent()) / static_cast<double>(n);
    std::uint64_t messages = 0, bytes = 0;
    for (std::size_t i = 0; i < n; ++i) {
      messages += sim.sent_by(i).messages;
      bytes += sim.sent_by(i).bytes;
    }
    sim.run_for(steady_rounds * interval);
    std::uint64_t messages_after = 0, bytes_after = 0;
    for (std::size_t i = 0; i < n; ++i) {
      messages_after += sim.sent_by(i).messages;
      bytes_after += sim.sent_by(i).bytes;
    }
    auto per = static_cast<double>(n) * steady_rounds;
    r.steady_messages = static_cast<double>(messages_after - messages) / per;
    r.steady_kib = static_cast<double>(bytes_after - bytes) / 1024.0 / per;
  }
  r.wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                .count();
  return r;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"Discovery convergence benchmark (deterministic simulation)",
               "mosaik_bench_discovery"};
  std::vector<std::size_t> sizes{10, 50, 100, 200};
  std::uint64_t seeds = 3;
  double loss = 0.0;
  std::size_t fanout = mosaik::discovery::config{}.fanout;
  int steady_rounds = 10;
  app.add_option("--nodes", sizes, "network sizes")->delimiter(',');
  app.add_option("--seeds", seeds, "runs per size (seeds 1..S)");
  app.add_option("--loss", loss, "message loss probability");
  app.add_option("--fanout", fanout, "gossip fan-out");
  app.add_option("--steady-rounds", steady_rounds, "announce intervals measured after convergence");
  CLI11_PARSE(app, argc, argv);

  std::printf("discovery: bootstrap from one node, announce interval 1 s (simulated), "
              "latency 5-40 ms, loss %.2f, fanout %zu, %llu seed(s)\n",
              loss, fanout, static_cast<unsigned long long>(seeds));
  std::printf("%6s  %22s  %18s  %22s  %18s  %10s\n", "nodes", "rounds (min/avg/max)",
              "msgs/node to conv", "steady msgs/node/round", "steady KiB/node/rd", "wall ms");
  for (auto n : sizes) {
    double lo = 1e9, hi = 0, sum = 0, msgs = 0, steady = 0, kib = 0, wall = 0;
    std::uint64_t ok = 0;
    for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
      auto r = run(n, seed, loss, fanout, steady_rounds);
      wall += r.wall_ms;
      if (!r.converged)
        continue;
      ++ok;
      lo = std::min(lo, r.rounds);
      hi = std::max(hi, r.rounds);
      sum += r.rounds;
      msgs += r.messages_per_node;
      steady += r.steady_messages;
      kib += r.steady_kib;
    }
    if (ok == 0) {
      std::printf("%6zu  %22s\n", n, "did not converge in 20 rounds");
      continue;
    }
    auto k = static_cast<double>(ok);
    char rounds[64];
    std::snprintf(rounds, sizeof rounds, "%.2f/%.2f/%.2f", lo, sum / k, hi);
    std::printf("%6zu  %22s  %18.1f  %22.1f  %18.1f  %10.0f%s\n", n, rounds, msgs / k, steady / k,
                kib / k, wall / static_cast<double>(seeds),
                ok < seeds ? "  (some seeds did not converge)" : "");
  }
  return 0;
}
