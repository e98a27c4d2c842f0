// mosaik-ticker: `produce` publishes numbered price ticks on a stream;
// `consume` finds the producers through discovery and prints every tick
// (`NUMBER PRICE`) and every gap (`gap FIRST COUNT CAUSE`) as they come.
#include "actors/logging/log.hpp"
#include "actors/network/network.hpp"
#include "actors/transport/system_config.hpp"
#include "apps/examples/ticker/tick.hpp"
#include "apps/examples/ticker/ticker_options.hpp"
#include "apps/node_setup/node_setup.hpp"

#include <caf/actor_system.hpp>

#include <atomic>
#include <csignal>
#include <unistd.h>
#include <iostream>
#include <thread>
#include <utility>

namespace {

using namespace std::chrono_literals;
using namespace mosaik;
using ticker::tick;

int fail(const std::string& msg, int code = 1) {
  std::cerr << "mosaik-ticker: " << msg << '\n';
  return code;
}

/// Publishes ticks 1..count (or forever) at `rate` per second; each waits
/// until some consumer is subscribed and has room.
void produce(const producer<tick>& out, const ticker::options& o, const std::atomic<bool>& stop) {
  auto start = std::chrono::steady_clock::now();
  for (std::uint64_t n = 1; (o.count == 0 || n <= o.count) && !stop; ++n) {
    while (!stop && !out.send(tick{n, ticker::price_of(n), std::string(o.pad, '.')}, 500ms)) {
    }
    std::this_thread::sleep_until(start + std::chrono::duration<double>(static_cast<double>(n) / o.rate));
  }
}

/// Prints ticks and gaps until `count` ticks came or a stop (true), or
/// the consumer fails (false).
bool consume(const consumer<tick>& in, const ticker::options& o, const std::atomic<bool>& stop) {
  std::uint64_t seen = 0;
  while (!stop) {
    auto b = in.recv(500ms);
    if (!b) {
      std::cerr << "mosaik-ticker: " << b.error().detail << '\n';
      return false;
    }
    for (const auto& g : b->gaps)
      std::cout << "gap " << g.first_missing << ' ' << g.missing << ' ' << to_string(g.cause) << '\n';
    for (const auto& d : b->datums) {
      std::cout << d.value.number << ' ' << d.value.price << '\n';
      if (o.count != 0 && ++seen == o.count) {
        std::cout.flush();
        return true;
      }
    }
    std::cout.flush();
  }
  return true;
}

int run(const ticker::options& o) {
  node::node_config cfg;
  cfg.network = o.network;
  cfg.metrics = std::make_shared<metrics::registry>(metrics::network_labels(network_id::from(o.network)));
  if (auto bad = app::set_addresses(cfg, o.listen, o.bootstrap))
    return fail(*bad, 2);
  if (auto bad = app::make_data_dir(o.data_dir))
    return fail(*bad);
  auto key = app::node_key({}, o.data_dir);
  if (!key)
    return fail(key.error());
  app::stop_signals signals; // before any thread starts: they inherit the mask
  transport::system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  // Dialled once the producer runs, so the first entry peers see lists it.
  auto bootstrap = std::exchange(cfg.bootstrap, {});
  auto net = network::start(sys, cfg, std::move(*key), 10s);
  if (!net)
    return fail(net.error());
  std::atomic<bool> stop{false};
  std::thread waiter{[&] {
    signals.wait();
    stop = true;
  }};
  int code = 0;
  auto dial = [&] {
    app::dial_bootstrap(*net, bootstrap);
    std::cout << app::first_line(*net) << std::endl;
  };
  if (o.produce) {
    auto out = net->produce<tick>(10s);
    if (!out)
      return fail("producing: " + out.error());
    dial();
    produce(*out, o, stop);
    while (!stop)
      std::this_thread::sleep_for(100ms);
  } else {
    auto in = net->consume<tick>(10s);
    if (!in)
      return fail("consuming: " + in.error());
    dial();
    code = consume(*in, o, stop) ? 0 : 1;
  }
  if (!stop)
    ::kill(::getpid(), SIGTERM); // to the process: the waiter's sigwait takes it
  waiter.join();
  (void)net->shutdown(3 * cfg.link.departure_window + 1s);
  return code;
}

} // namespace

int main(int argc, char** argv) {
  auto parsed = ticker::parse_options(argc, argv);
  if (!parsed.opts)
    return parsed.exit_code;
  return run(*parsed.opts);
}
