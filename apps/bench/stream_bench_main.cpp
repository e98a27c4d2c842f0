// mosaik_bench_stream: one producer and K consumers of one stream, each a
// node of one network in its own process on 127.0.0.1.
//
//   mosaik_bench_stream [--size BYTES] [--consumers K] [--seconds S] [--warmup W]
//
// The driver's node produces the stream and starts K subscriber processes
// (`--subscriber`), each a node consuming it in push mode (deliver_to, a
// sink answering each batch at once) and checking the sequence numbers. Once
// all K are subscribed, the driver publishes datums of BYTES as fast as the
// stream takes them (stream_bench_publisher.cpp); after W seconds of warm-up
// (default 1), S seconds (default 5) are measured at the consumers. It ends
// with one line (stream_bench.hpp):
//
//   size=BYTES consumers=K msgs_per_s=X mb_per_s=Y lost=N
#include "apps/bench/process_cpu.hpp"
#include "apps/bench/stream_bench_mosaik.hpp"

#include "actors/network/network.hpp"
#include "actors/transport/system_config.hpp"

#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include <cstdio>
#include <iostream>
#include <unistd.h>

using namespace mosaik;
using namespace mosaik::bench;
using namespace std::chrono_literals;

namespace {

constexpr const char* name = "mosaik_bench_stream";

[[noreturn]] void give_up(const std::string& why, std::vector<child_process>& subs) {
  std::cerr << name << ": " << why << '\n';
  for (auto& s : subs)
    stop_child(s);
  std::exit(1);
}

int run(const stream_options& o) {
  transport::system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  node::node_config cfg;
  cfg.network = "bench-stream-" + std::to_string(::getpid());
  std::vector<child_process> subs;
  auto net = network::start(sys, cfg, secret_key::generate(), 10s);
  if (!net)
    give_up("the producer's node did not start: " + net.error(), subs);
  auto out = net->produce<bench_datum>(streams::producer_setup::of(bench_stream), 10s);
  if (!out)
    give_up("no producer: " + out.error(), subs);
  auto address = net->peer().hex() + "@" + link::to_string(net->listen());
  subs = start_subscribers(o.consumers,
                           {name, "--network", cfg.network, "--connect", address}, name);
  if (auto all = out->when_subscribed(static_cast<std::size_t>(o.consumers), 30s); !all)
    give_up("the consumers did not subscribe in 30 s", subs);
  auto pub = sys.spawn(publisher, out->actor(), bytes(o.size, 0x6d), o.consumers > 1);
  caf::anon_send(pub, caf::atom("go"));
  auto cpu0 = cpu_seconds_of(::getpid());
  auto r = measure(subs, o.warmup, o.seconds);
  auto cpu1 = cpu_seconds_of(::getpid());
  caf::anon_send_exit(pub, caf::exit_reason::user_shutdown);
  for (auto& s : subs)
    stop_child(s);
  std::fprintf(stderr, "%s: the producer's process used %.0f%% of a core over warm-up and window\n", name,
               100 * (cpu1 - cpu0) / (o.warmup + o.seconds));
  (void)net->shutdown(3s);
  print_result("", o, r);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  ::setenv("MOSAIK_LOG", "warn", 0); // the nodes' info lines would bury the figures
  auto o = parse_stream_options(argc, argv, name);
  if (o.subscriber)
    return serve_subscriber(o);
  return run(o);
}
