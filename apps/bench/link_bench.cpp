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
#include "actors/transport/frame_msg.hpp"
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
#include <map>
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

/// Handles both transports with the same protocol. Byte 1 of a link
/// payload says how to answer: 'R' through the node (send_frame), 'D'
/// straight to the peer's ingress (get_link + transport::to_msg).
caf::behavior echo(caf::event_based_actor* self, caf::actor node) {
  auto count = std::make_shared<std::uint64_t>(0);
  auto ingress = std::make_shared<std::map<peer_id, caf::actor>>();
  auto answer = [=](const peer_id& to, bool direct, bytes payload) {
    if (!direct) {
      self->send(node, node::send_frame{to, frame_kind::stream, std::move(payload)});
      return;
    }
    if (auto i = ingress->find(to); i != ingress->end()) {
      self->send(i->second, transport::to_msg({frame_kind::stream, 0, std::move(payload)}));
      return;
    }
    self->request(node, caf::infinite, node::get_link{to}).then([=](node::link_info& li) {
      (*ingress)[to] = li.ingress;
      self->send(li.ingress, transport::to_msg({frame_kind::stream, 0, payload}));
    });
  };
  return {
    [=](node::frame_received& f) {
      if (f.payload.size() < 2)
        return;
      bool direct = f.payload[1] == 'D';
      if (f.payload[0] == through) {
        ++*count;
      } else if (f.payload[0] == ping) {
        answer(f.from, direct, std::move(f.payload));
      } else {
        auto reply = count_reply(*count);
        *count = 0;
        answer(f.from, direct, bytes(reply.begin(), reply.end()));
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

/// `ingress` set: frames go straight to the peer's ingress; otherwise
/// through the local node (send_frame).
result bench_link(caf::scoped_actor& self, const caf::actor& n, const peer_id& server,
                  const caf::actor& ingress, std::size_t size, int rounds, int frames) {
  auto send = [&](char what) {
    bytes p(std::max<std::size_t>(size, 2), 'x');
    p[0] = static_cast<std::uint8_t>(what);
    p[1] = ingress ? 'D' : 'R';
    if (ingress)
      self->send(ingress, transport::to_msg({frame_kind::stream, 0, std::move(p)}));
    else
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
  caf::actor ingress;
  self->request(n, std::chrono::seconds{5}, node::get_link{*address->peer})
    .receive([&](node::link_info& li) { ingress = li.ingress; }, [](caf::error&) {});
  std::printf("mosaik_bench_link: 2 processes on 127.0.0.1; median of %d round trips, %d one-way "
              "frames per size (%d at 64 KiB)\n",
              rounds, frames, std::max(1, frames / 10));
  std::printf("link/routed: send_frame through the local node; link/direct: frames straight to the\n"
              "peer's ingress (get_link); both are decoded and checked by the receiving node\n\n");
  struct row {
    std::string size;
    result caf, routed, direct;
  };
  std::vector<row> rows;
  for (std::size_t size : {64u, 1024u, 65536u}) {
    int f = size >= 65536 ? std::max(1, frames / 10) : frames;
    row r{size >= 1024 ? std::to_string(size / 1024) + " KiB" : std::to_string(size) + " B", {}, {}, {}};
    // Warm up every path once, then measure.
    bench_caf(self, *echo_proxy, size, 50, f / 10 + 1);
    bench_link(self, n, *address->peer, {}, size, 50, f / 10 + 1);
    bench_link(self, n, *address->peer, ingress, size, 50, f / 10 + 1);
    r.caf = bench_caf(self, *echo_proxy, size, rounds, f);
    r.routed = bench_link(self, n, *address->peer, {}, size, rounds, f);
    r.direct = bench_link(self, n, *address->peer, ingress, size, rounds, f);
    rows.push_back(r);
  }
  std::printf("round trip (median, us)  %10s %14s %7s %14s %7s\n", "caf", "link/routed", "ratio",
              "link/direct", "ratio");
  for (const auto& r : rows)
    std::printf("  %-22s %10.1f %14.1f %6.2fx %14.1f %6.2fx\n", r.size.c_str(), r.caf.rtt_us,
                r.routed.rtt_us, r.routed.rtt_us / r.caf.rtt_us, r.direct.rtt_us,
                r.direct.rtt_us / r.caf.rtt_us);
  std::printf("one-way (frames/s)       %10s %14s %7s %14s %7s\n", "caf", "link/routed", "ratio",
              "link/direct", "ratio");
  for (const auto& r : rows)
    std::printf("  %-22s %10.0f %14.0f %6.2fx %14.0f %6.2fx\n", r.size.c_str(), r.caf.frames_per_s,
                r.routed.frames_per_s, r.caf.frames_per_s / r.routed.frames_per_s,
                r.direct.frames_per_s, r.caf.frames_per_s / r.direct.frames_per_s);
  std::printf("ratio = link cost / plain CAF cost (1.00x = the same, 2.00x = twice as expensive)\n");
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
