// mosaik_bench_stream_nats: the NATS peer of mosaik_bench_stream. The
// driver publishes to one subject of a running nats-server (the C client,
// libnats), K subscriber processes count (pending limits off, so the
// client drops nothing; a slow consumer the server cuts off shows as lost).
//
//   mosaik_bench_stream_nats --connect nats://127.0.0.1:PORT [--size BYTES]
//                            [--consumers K] [--seconds S] [--warmup W]
//
// Ends with `peer=nats size=BYTES consumers=K msgs_per_s=X mb_per_s=Y lost=N`.
#include "apps/bench/stream_bench.hpp"

#include <nats/nats.h>

#include <atomic>
#include <iostream>
#include <thread>
#include <vector>

using namespace mosaik::bench;

namespace {

constexpr const char* name = "mosaik_bench_stream_nats";
constexpr const char* subject = "mosaik.bench.stream";
/// The publisher waits for the server's PONG after this many messages, so
/// it runs at the server's pace rather than filling its own buffer.
constexpr std::uint64_t flush_every = 1000;

void check(natsStatus s, const std::string& what) {
  if (s == NATS_OK)
    return;
  std::cout << "failed: " << what << ": " << natsStatus_GetText(s) << std::endl;
  std::exit(1);
}

natsConnection* connect(const std::string& url) {
  natsConnection* nc = nullptr;
  check(natsConnection_ConnectTo(&nc, url.c_str()), "connect to " + url);
  return nc;
}

void on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto* counts = static_cast<subscriber_counts*>(closure);
  if (natsMsg_GetDataLength(msg) >= 8)
    counts->count(get_seq(reinterpret_cast<const unsigned char*>(natsMsg_GetData(msg))));
  natsMsg_Destroy(msg);
}

int serve_subscriber(const stream_options& o) {
  block_stats_signals(); // before the client's threads start
  auto* nc = connect(o.connect);
  subscriber_counts counts;
  natsSubscription* sub = nullptr;
  check(natsConnection_Subscribe(&sub, nc, subject, on_message, &counts), "subscribe");
  check(natsSubscription_SetPendingLimits(sub, -1, -1), "pending limits");
  check(natsConnection_Flush(nc), "flush");
  std::cout << "ready" << std::endl;
  answer_stats_until_term(counts);
  return 0;
}

int run(const stream_options& o) {
  if (o.connect.empty()) {
    std::cerr << name << ": --connect nats://HOST:PORT is required\n";
    return 2;
  }
  auto* nc = connect(o.connect);
  auto subs = start_subscribers(o.consumers, {name, "--connect", o.connect}, name);
  std::atomic<bool> stop{false};
  std::thread publisher{[&] {
    std::vector<unsigned char> buf(o.size, 0x6d);
    for (std::uint64_t seq = 1; !stop.load(std::memory_order_relaxed); ++seq) {
      put_seq(buf.data(), seq);
      check(natsConnection_Publish(nc, subject, buf.data(), static_cast<int>(buf.size())), "publish");
      if (seq % flush_every == 0)
        check(natsConnection_Flush(nc), "flush");
    }
  }};
  auto r = measure(subs, o.warmup, o.seconds);
  for (auto& s : subs)
    stop_child(s);
  stop = true;
  publisher.join();
  natsConnection_Destroy(nc);
  print_result("nats", o, r);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  auto o = parse_stream_options(argc, argv, name);
  return o.subscriber ? serve_subscriber(o) : run(o);
}
