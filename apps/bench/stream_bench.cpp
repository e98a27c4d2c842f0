#include "apps/bench/stream_bench.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <pthread.h>
#include <sstream>
#include <thread>

namespace mosaik::bench {

namespace {

using clock_type = std::chrono::steady_clock;

[[noreturn]] void usage(const char* name, const std::string& why) {
  std::cerr << name << ": " << why << " (usage: " << name
            << " [--size BYTES] [--consumers K] [--seconds S] [--warmup W])\n";
  std::exit(2);
}

sigset_t stats_signals() {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  sigaddset(&s, SIGTERM);
  return s;
}

struct sample {
  std::uint64_t received = 0;
  std::uint64_t lost = 0;
  clock_type::time_point at;
};

sample take_sample(child_process& c) {
  ::kill(c.pid, SIGUSR1);
  auto line = read_line(c.out);
  sample s;
  s.at = clock_type::now();
  if (std::sscanf(line.c_str(), "stats received=%lu lost=%lu", &s.received, &s.lost) != 2) {
    std::cerr << "a subscriber sent no stats (it said: '" << line << "')\n";
    std::exit(1);
  }
  return s;
}

} // namespace

stream_options parse_stream_options(int argc, char** argv, const char* name) {
  stream_options o;
  auto count = [&](int& i, int least) { return std::max(least, std::atoi(argv[++i])); };
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    bool has_value = i + 1 < argc;
    if (flag == "--subscriber")
      o.subscriber = true;
    else if (flag == "--size" && has_value)
      o.size = static_cast<std::size_t>(count(i, 8));
    else if (flag == "--consumers" && has_value)
      o.consumers = count(i, 1);
    else if (flag == "--seconds" && has_value)
      o.seconds = count(i, 1);
    else if (flag == "--warmup" && has_value)
      o.warmup = count(i, 0);
    else if (flag == "--connect" && has_value)
      o.connect = argv[++i];
    else if (flag == "--network" && has_value)
      o.network = argv[++i];
    else
      usage(name, "unknown argument " + flag);
  }
  return o;
}

void block_stats_signals() {
  auto s = stats_signals();
  pthread_sigmask(SIG_BLOCK, &s, nullptr);
}

void answer_stats_until_term(const subscriber_counts& c) {
  auto s = stats_signals();
  for (int sig = 0; sig != SIGTERM;) {
    sigwait(&s, &sig);
    if (sig == SIGUSR1) {
      std::printf("stats received=%lu lost=%lu\n", c.received.load(std::memory_order_relaxed),
                  c.lost.load(std::memory_order_relaxed));
      std::fflush(stdout);
    }
  }
}

std::vector<child_process> start_subscribers(int k, const std::vector<std::string>& args,
                                             const char* name) {
  std::vector<child_process> subs;
  auto with_mode = args;
  with_mode.emplace_back("--subscriber");
  for (int i = 0; i < k; ++i) {
    auto c = spawn_self(with_mode);
    if (c.pid == 0) {
      std::cerr << name << ": no pipe\n";
      std::exit(1);
    }
    subs.push_back(c);
    if (auto line = read_line(c.out); line != "ready") {
      std::cerr << name << ": a subscriber did not start (it said: '" << line << "')\n";
      for (auto& s : subs)
        stop_child(s);
      std::exit(1);
    }
  }
  return subs;
}

stream_result measure(std::vector<child_process>& subs, int warmup, int seconds) {
  std::this_thread::sleep_for(std::chrono::seconds{warmup});
  std::vector<sample> before;
  for (auto& c : subs)
    before.push_back(take_sample(c));
  std::this_thread::sleep_for(std::chrono::seconds{seconds});
  stream_result r;
  r.msgs_per_s = std::numeric_limits<double>::max();
  for (std::size_t i = 0; i < subs.size(); ++i) {
    auto after = take_sample(subs[i]);
    std::chrono::duration<double> took = after.at - before[i].at;
    r.msgs_per_s = std::min(r.msgs_per_s, static_cast<double>(after.received - before[i].received) / took.count());
    r.lost += after.lost;
  }
  return r;
}

void print_result(const std::string& peer, const stream_options& o, const stream_result& r) {
  std::printf("%s%ssize=%zu consumers=%d msgs_per_s=%.0f mb_per_s=%.1f lost=%lu\n",
              peer.empty() ? "" : "peer=", peer.empty() ? "" : (peer + " ").c_str(), o.size, o.consumers,
              r.msgs_per_s, r.msgs_per_s * static_cast<double>(o.size) / 1e6, r.lost);
  std::fflush(stdout);
}

void put_seq(unsigned char* message, std::uint64_t seq) {
  for (int i = 0; i < 8; ++i)
    message[i] = static_cast<unsigned char>(seq >> (8 * i));
}

std::uint64_t get_seq(const unsigned char* message) {
  std::uint64_t seq = 0;
  for (int i = 0; i < 8; ++i)
    seq |= static_cast<std::uint64_t>(message[i]) << (8 * i);
  return seq;
}

} // namespace mosaik::bench
