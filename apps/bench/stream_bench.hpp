#pragma once
// Shared by mosaik_bench_stream and its peers (ZeroMQ, NATS): one publisher
// in the driver process, K subscriber processes it starts itself, each
// counting what it receives and the sequence numbers it missed. The driver
// asks them for their counts with SIGUSR1 (a `stats` line on their stdout),
// before and after the measured window, and prints one line:
//
//   [peer=NAME ]size=BYTES consumers=K msgs_per_s=X mb_per_s=Y lost=N
//
// msgs_per_s is the slowest subscriber's; lost is the sum over all of them.

#include "apps/bench/child_process.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace mosaik::bench {

struct stream_options {
  std::size_t size = 128;
  int consumers = 1;
  int seconds = 5;
  int warmup = 1;
  /// Subscriber mode, and what it connects to (and in which network,
  /// for mosaik).
  bool subscriber = false;
  std::string connect;
  std::string network;
};

/// Reads --size --consumers --seconds --warmup --subscriber --connect --network;
/// exits with a usage line on anything else.
stream_options parse_stream_options(int argc, char** argv, const char* name);

/// What one subscriber counted; written by its receiving thread only.
struct subscriber_counts {
  std::atomic<std::uint64_t> received{0};
  std::atomic<std::uint64_t> lost{0};
  std::uint64_t last_seq = 0;

  /// One datum of sequence number `seq`: a jump past the last is a loss
  /// (counted from the first datum seen).
  void count(std::uint64_t seq) {
    if (last_seq != 0 && seq > last_seq + 1)
      lost.fetch_add(seq - last_seq - 1, std::memory_order_relaxed);
    if (seq > last_seq)
      last_seq = seq;
    received.fetch_add(1, std::memory_order_relaxed);
  }
};

/// Blocks SIGUSR1 and SIGTERM in this thread and every thread it starts
/// later: call it first in a subscriber's main.
void block_stats_signals();

/// Answers SIGUSR1 with `stats received=N lost=M` until SIGTERM.
void answer_stats_until_term(const subscriber_counts& c);

/// Starts `k` subscribers: this binary with `args` (argv[0] first) and
/// --subscriber, each reading until it prints `ready` (or gives up).
std::vector<child_process> start_subscribers(int k, const std::vector<std::string>& args,
                                             const char* name);

struct stream_result {
  double msgs_per_s = 0; // the slowest subscriber's
  std::uint64_t lost = 0;
};

/// Sleeps through the warm-up, then measures `seconds` on every subscriber.
stream_result measure(std::vector<child_process>& subs, int warmup, int seconds);

/// The result line (`peer` empty for mosaik).
void print_result(const std::string& peer, const stream_options& o, const stream_result& r);

/// The first 8 bytes of a peer's message carry its sequence number.
void put_seq(unsigned char* message, std::uint64_t seq);
std::uint64_t get_seq(const unsigned char* message);

} // namespace mosaik::bench
