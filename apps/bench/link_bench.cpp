// mosaik_bench_link: link round-trip latency and one-way frame throughput
// between two node processes on loopback, next to plain CAF remote-actor
// messaging (a std::vector<char> to a published echo actor) in the same run.
//
//   mosaik_bench_link [--rounds N] [--frames N]
//
// The parent forks a server process (`--serve`) that runs a node and a plain
// echo actor. Payload byte 0 says what to do with a message: 'P' echo it,
// 'T' count it, 'E' answer with the count so far.
#include "actors/core/link/peer_address.hpp"
#include "actors/node/node_actor.hpp"
#include "actors/node/node_api.hpp"
#include "actors/transport/system_config.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace mosaik;
using clock_type = std::chrono::steady_clock;
using wire::frame_kind;

namespace {

constexpr char ping = 'P';
constexpr char through = 'T';
constexpr char end_mark = 'E';

std::vector<char> count_reply(std::uint64_t n) {
  std::vector<char> out(9, 'C');
  std::memcpy(out.data() + 1, &n, sizeof(n));
  return out;
}

/// Handles both transports with the same protocol.
caf::behavior echo(caf::event_based_actor* self, caf::actor node) {
  auto count = std::make_shared<std::uint64_t>(0);
  return {
    [=](node::frame_received& f) {
      if (f.payload.empty())
        return;
      if (f.payload[0] == through) {
        ++*count;
      } else if (f.payload[0] == ping) {
        self->send(node, node::send_frame{f.from, frame_kind::stream, std::move(f.payload)});
      } else {
        auto reply = count_reply(*count);
        *count = 0;
        self->send(node, node::send_frame{f.from, frame_kind::stream, bytes(reply.begin(), reply.end())});
      }
    },
    [=](std::vector<char>& payload) -> std::vector<char> {
      if (!payload.empty() && payload[0] == ping)
        return std::move(payload);
      auto reply = count_reply(*count);
      *count = 0;
      return reply;
    },
    // One-way plain messages carry an atom so they never expect a reply.
    [=](caf::atom_value, std::vector<char>&) { ++*count; },
  };
}

int serve() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  transport::system_config cfg;
  caf::actor_system sys{cfg};
  node::node_config ncfg;
  ncfg.network = "bench";
  auto n = node::spawn_node(sys, ncfg, secret_key::generate());
  auto e = sys.spawn(echo, n);
  caf::anon_send(n, node::register_handler{frame_kind::stream, e});
  auto plain_port = sys.middleman().publish(e, 0, "127.0.0.1");
  caf::scoped_actor self{sys};
  self->request(n, std::chrono::seconds{10}, node::await_ready{})
    .receive(
      [&](const node::ready_info& r) {
        std::cout << r.peer.hex() << '@' << link::to_string(r.listen) << ' '
                  << (plain_port ? *plain_port : 0) << std::endl;
      },
      [&](caf::error&) { std::cout << "failed" << std::endl; });
  int sig = 0;
  sigwait(&signals, &sig);
  self->request(n, std::chrono::seconds{2}, node::shutdown{}).receive([](bool) {}, [](caf::error&) {});
  caf::anon_send_exit(e, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(n, caf::exit_reason::user_shutdown);
  return 0;
}

struct result {
  double rtt_us = 0;       // median round trip
  double frames_per_s = 0; // one-way throughput
};

std::vector<char> payload_of(char what, std::size_t size) {
  std::vector<char> p(std::max<std::size_t>(size, 1), 'x');
  p[0] = what;
  return p;
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  return xs[xs.size() / 2];
}

result bench_link(caf::scoped_actor& self, const caf::actor& n, const peer_id& server, std::size_t size,
                  int rounds, int frames) {
  auto send = [&](char what) {
    bytes p(std::max<std::size_t>(size, 1), 'x');
    p[0] = static_cast<std::uint8_t>(what);
    self->send(n, node::send_frame{server, frame_kind::stream, std::move(p)});
  };
  auto await = [&] { self->receive([](node::frame_received&) {}); };
  result r;
  std::vector<double> samples;
  for (int i = 0; i < rounds; ++i) {
    auto t0 = clock_type::now();
    send(ping);
    await();
    samples.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - t0).count());
  }
  r.rtt_us = median(samples);
  auto t0 = clock_type::now();
  for (int i = 0; i < frames; ++i)
    send(through);
  send(end_mark);
  await();
  r.frames_per_s = frames / std::chrono::duration<double>(clock_type::now() - t0).count();
  return r;
}

result bench_caf(caf::scoped_actor& self, const caf::actor& echo_proxy, std::size_t size, int rounds,
                 int frames) {
  result r;
  std::vector<double> samples;
  for (int i = 0; i < rounds; ++i) {
    auto t0 = clock_type::now();
    self->request(echo_proxy, std::chrono::seconds{10}, payload_of(ping, size))
      .receive([](std::vector<char>&) {}, [](caf::error&) {});
    samples.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - t0).count());
  }
  r.rtt_us = median(samples);
  auto t0 = clock_type::now();
  for (int i = 0; i < frames; ++i)
    self->send(echo_proxy, caf::atom("t"), payload_of(through, size));
  self->request(echo_proxy, std::chrono::seconds{60}, payload_of(end_mark, size))
    .receive([](std::vector<char>&) {}, [](caf::error&) {});
  r.frames_per_s = frames / std::chrono::duration<double>(clock_type::now() - t0).count();
  return r;
}

int run(int rounds, int frames) {
  int out[2];
  if (::pipe(out) != 0)
    return 1;
  auto child = ::fork();
  if (child == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    ::execl("/proc/self/exe", "mosaik_bench_link", "--serve", nullptr);
    ::_exit(127);
  }
  ::close(out[1]);
  std::string line;
  for (char ch; ::read(out[0], &ch, 1) == 1 && ch != '\n';)
    line += ch;
  auto space = line.find(' ');
  auto address = link::parse_peer_address(line.substr(0, space));
  if (space == std::string::npos || !address) {
    std::cerr << "mosaik_bench_link: the server did not start\n";
    return 1;
  }
  auto plain_port = static_cast<std::uint16_t>(std::stoi(line.substr(space + 1)));
  transport::system_config cfg;
  caf::actor_system sys{cfg};
  node::node_config ncfg;
  ncfg.network = "bench";
  ncfg.bootstrap.push_back(*address);
  auto n = node::spawn_node(sys, ncfg, secret_key::generate());
  caf::scoped_actor self{sys};
  self->send(n, node::subscribe_links{caf::actor_cast<caf::actor>(self)});
  self->receive([](const node::link_event&) {});
  self->send(n, node::register_handler{frame_kind::stream, caf::actor_cast<caf::actor>(self)});
  auto echo_proxy = sys.middleman().remote_actor("127.0.0.1", plain_port);
  if (!echo_proxy) {
    std::cerr << "mosaik_bench_link: cannot reach the plain echo actor\n";
    return 1;
  }
  std::printf("mosaik_bench_link: 2 processes on 127.0.0.1; median of %d round trips, %d one-way "
              "frames per size\n",
              rounds, frames);
  std::printf("%-8s %12s %12s %7s %14s %14s %7s\n", "payload", "link rtt us", "caf rtt us", "ratio",
              "link frames/s", "caf msgs/s", "ratio");
  for (std::size_t size : {64u, 1024u, 65536u}) {
    int f = size >= 65536 ? std::max(1, frames / 10) : frames;
    // Warm up both paths once.
    bench_link(self, n, *address->peer, size, 50, f / 10 + 1);
    bench_caf(self, *echo_proxy, size, 50, f / 10 + 1);
    auto l = bench_link(self, n, *address->peer, size, rounds, f);
    auto c = bench_caf(self, *echo_proxy, size, rounds, f);
    std::printf("%-8s %12.1f %12.1f %6.2fx %14.0f %14.0f %6.2fx\n",
                size >= 1024 ? (std::to_string(size / 1024) + " KiB").c_str()
                             : (std::to_string(size) + " B").c_str(),
                l.rtt_us, c.rtt_us, l.rtt_us / c.rtt_us, l.frames_per_s, c.frames_per_s,
                c.frames_per_s / l.frames_per_s);
  }
  std::printf("ratio = link cost / plain CAF cost (1.00x = same; rtt: link/caf, throughput: caf/link)\n");
  ::kill(child, SIGTERM);
  ::waitpid(child, nullptr, 0);
  caf::anon_send_exit(n, caf::exit_reason::user_shutdown);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string{argv[1]} == "--serve")
    return serve();
  int rounds = 2000;
  int frames = 20000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--rounds")
      rounds = std::max(1, std::atoi(argv[i + 1]));
    else if (flag == "--frames")
      frames = std::max(10, std::atoi(argv[i + 1]));
  }
  return run(rounds, frames);
}
