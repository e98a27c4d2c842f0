// mosaik_bench_stream_zmq: the ZeroMQ peer of mosaik_bench_stream. One PUB
// socket in the driver, K SUB processes; high-water marks 0 (unbounded
// queues: nothing dropped), counted at the subscribers.
//
//   mosaik_bench_stream_zmq [--size BYTES] [--consumers K] [--seconds S] [--warmup W]
//
// Ends with `peer=zeromq size=BYTES consumers=K msgs_per_s=X mb_per_s=Y lost=N`.
#include "apps/bench/stream_bench.hpp"

#include <zmq.h>

#include <atomic>
#include <iostream>
#include <thread>
#include <vector>

using namespace mosaik::bench;

namespace {

constexpr const char* name = "mosaik_bench_stream_zmq";

[[noreturn]] void fail(const std::string& what) {
  std::cout << "failed: " << what << ": " << zmq_strerror(zmq_errno()) << std::endl;
  std::exit(1);
}

void* make_socket(void* ctx, int type) {
  void* s = zmq_socket(ctx, type);
  int zero = 0;
  if (s == nullptr || zmq_setsockopt(s, ZMQ_SNDHWM, &zero, sizeof zero) != 0
      || zmq_setsockopt(s, ZMQ_RCVHWM, &zero, sizeof zero) != 0
      || zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero) != 0)
    fail("socket");
  return s;
}

int serve_subscriber(const stream_options& o) {
  block_stats_signals(); // before zmq's threads start
  void* ctx = zmq_ctx_new();
  void* sub = make_socket(ctx, ZMQ_SUB);
  if (zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0) != 0 || zmq_connect(sub, o.connect.c_str()) != 0)
    fail("connect");
  subscriber_counts counts;
  std::thread receiver{[&] {
    std::vector<unsigned char> buf(o.size);
    while (zmq_recv(sub, buf.data(), buf.size(), 0) >= 8)
      counts.count(get_seq(buf.data()));
  }};
  receiver.detach(); // ends with the process
  std::cout << "ready" << std::endl;
  answer_stats_until_term(counts);
  return 0;
}

int run(const stream_options& o) {
  void* ctx = zmq_ctx_new();
  void* pub = make_socket(ctx, ZMQ_PUB);
  if (zmq_bind(pub, "tcp://127.0.0.1:*") != 0)
    fail("bind");
  char endpoint[256];
  std::size_t len = sizeof endpoint;
  zmq_getsockopt(pub, ZMQ_LAST_ENDPOINT, endpoint, &len);
  auto subs = start_subscribers(o.consumers, {name, "--size", std::to_string(o.size), "--connect", endpoint},
                                name);
  std::atomic<bool> stop{false};
  std::thread publisher{[&] {
    std::vector<unsigned char> buf(o.size, 0x6d);
    for (std::uint64_t seq = 1; !stop.load(std::memory_order_relaxed); ++seq) {
      put_seq(buf.data(), seq);
      if (zmq_send(pub, buf.data(), buf.size(), 0) < 0)
        fail("send");
    }
  }};
  auto r = measure(subs, o.warmup, o.seconds);
  for (auto& s : subs)
    stop_child(s);
  stop = true;
  publisher.join();
  zmq_close(pub);
  zmq_ctx_term(ctx);
  print_result("zeromq", o, r);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  auto o = parse_stream_options(argc, argv, name);
  return o.subscriber ? serve_subscriber(o) : run(o);
}
