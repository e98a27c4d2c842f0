// The subscriber mode of mosaik_bench_stream: a consumer in push mode whose
// sink counts every datum's sequence number and answers each batch at once.
#include "apps/bench/stream_bench_mosaik.hpp"

#include "actors/network/network.hpp"
#include "actors/node/node_api.hpp"
#include "actors/transport/system_config.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include <iostream>
#include <memory>

namespace mosaik::bench {

namespace {

using namespace std::chrono_literals;

caf::behavior sink(caf::event_based_actor*, std::shared_ptr<subscriber_counts> counts) {
  return {[=](const streams::stream_batch& b) {
    for (const auto& d : b.batch.datums)
      counts->count(d.seq);
  }};
}

int fail(const std::string& why) {
  std::cout << "failed: " << why << std::endl;
  return 1;
}

} // namespace

int serve_subscriber(const stream_options& o) {
  block_stats_signals(); // before any thread starts
  auto producer = link::parse_peer_address(o.connect);
  if (!producer)
    return fail("bad --connect: " + producer.error());
  transport::system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  node::node_config cfg;
  cfg.network = o.network;
  auto net = network::start(sys, cfg, secret_key::generate(), 10s);
  if (!net)
    return fail(net.error());
  auto in = net->consume<bench_datum>(streams::consumer_setup::of(bench_stream), 10s);
  if (!in)
    return fail(in.error());
  auto counts = std::make_shared<subscriber_counts>();
  caf::anon_send(in->actor(), streams::deliver_to{sys.spawn(sink, counts)});
  caf::anon_send(net->node(), node::dial{*producer, true});
  if (auto up = in->when_connected(1, 30s); !up)
    return fail("not connected to the producer in 30 s: " + up.error().detail);
  std::cout << "ready" << std::endl;
  answer_stats_until_term(*counts);
  (void)in->close(2s);
  (void)net->shutdown(3s);
  return 0;
}

} // namespace mosaik::bench
