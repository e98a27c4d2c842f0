// mosaik_bench_link: link round-trip latency and one-way frame throughput
// between two node processes on loopback, next to plain CAF remote-actor
// messaging (a std::vector<char> to a published echo actor) in the same run.
//
//   mosaik_bench_link [--rounds N] [--frames N] [--caf OPTION]...
//
// --caf passes an option in CAF's command-line syntax to the actor systems
// of both processes, e.g. --caf --work-stealing.moderate-poll-attempts=0.
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
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
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

/// Applies the --caf options (CAF's own command-line syntax, e.g.
/// --work-stealing.moderate-poll-attempts=0) to a process's actor system.
bool configure(transport::system_config& cfg, const std::vector<std::string>& caf_options) {
  if (caf_options.empty())
    return true;
  std::istringstream no_ini; // never read caf-application.ini from the working directory
  if (auto err = cfg.parse(caf_options, no_ini)) {
    std::cerr << "mosaik_bench_link: bad --caf option: " << caf::to_string(err) << '\n';
    return false;
  }
  return true;
}

int serve(const std::vector<std::string>& caf_options) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  transport::system_config cfg;
  if (!configure(cfg, caf_options))
    return 1;
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

enum class path { caf, routed, direct };
constexpr std::array<path, 3> all_paths{path::caf, path::routed, path::direct};

/// What the driver is asked to time (local messages, never announced).
struct round_trip_cmd {
  path via;
  std::size_t size;
};
struct burst_cmd {
  path via;
  std::size_t size;
  int frames;
};

/// Where the driver sends: its node (routed), the server node's ingress
/// (direct) and the proxy of the server's plain echo actor (caf).
struct targets {
  caf::actor node;
  peer_id server;
  caf::actor ingress;
  caf::actor echo;
};

} // namespace

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(round_trip_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(burst_cmd)

namespace {

std::vector<char> plain(char what, std::size_t size) {
  std::vector<char> p(std::max<std::size_t>(size, 1), 'x');
  p[0] = what;
  return p;
}

/// The sending side is an event-based actor, as every real user of links
/// is (group, stream and discovery actors), so all three paths start on a
/// CAF worker and none pays for a thread crossing the others do not. It
/// times one round trip or one burst per command and answers with the
/// elapsed microseconds.
caf::behavior driver(caf::event_based_actor* self, std::shared_ptr<targets> to) {
  struct waiting {
    caf::response_promise rp;
    clock_type::time_point t0;
  };
  auto pending = std::make_shared<std::optional<waiting>>();
  auto elapsed_us = [](clock_type::time_point t0) {
    return std::chrono::duration<double, std::micro>(clock_type::now() - t0).count();
  };
  // Byte 1 tells the server to answer the same way.
  auto send_frame = [=](path via, char what, std::size_t size) {
    bytes p(std::max<std::size_t>(size, 2), 'x');
    p[0] = static_cast<std::uint8_t>(what);
    p[1] = via == path::direct ? 'D' : 'R';
    if (via == path::direct)
      self->send(to->ingress, transport::to_msg({frame_kind::stream, 0, std::move(p)}));
    else
      self->send(to->node, node::send_frame{to->server, frame_kind::stream, std::move(p)});
  };
  auto finish_plain = [=](caf::response_promise rp, clock_type::time_point t0) {
    return [=](std::vector<char>&) mutable { rp.deliver(elapsed_us(t0)); };
  };
  auto fail = [=](caf::response_promise rp) {
    return [=](caf::error& err) mutable { rp.deliver(std::move(err)); };
  };
  return {
    [=](const round_trip_cmd& cmd) {
      auto rp = self->make_response_promise();
      auto t0 = clock_type::now();
      if (cmd.via == path::caf) {
        self->request(to->echo, std::chrono::seconds{10}, plain(ping, cmd.size))
          .then(finish_plain(rp, t0), fail(rp));
        return;
      }
      *pending = waiting{rp, t0};
      send_frame(cmd.via, ping, cmd.size);
    },
    [=](const burst_cmd& cmd) {
      auto rp = self->make_response_promise();
      auto t0 = clock_type::now();
      if (cmd.via == path::caf) {
        // One-way plain messages carry an atom so they never expect a reply.
        for (int i = 0; i < cmd.frames; ++i)
          self->send(to->echo, caf::atom("t"), plain(through, cmd.size));
        self->request(to->echo, std::chrono::seconds{60}, plain(end_mark, cmd.size))
          .then(finish_plain(rp, t0), fail(rp));
        return;
      }
      for (int i = 0; i < cmd.frames; ++i)
        send_frame(cmd.via, through, cmd.size);
      *pending = waiting{rp, t0};
      send_frame(cmd.via, end_mark, cmd.size);
    },
    [=](node::frame_received&) {
      if (!*pending)
        return;
      auto w = std::move(**pending);
      pending->reset();
      w.rp.deliver(elapsed_us(w.t0));
    },
  };
}

/// Asks the driver to time one command.
template <class Cmd>
double timed(caf::scoped_actor& self, const caf::actor& drv, Cmd cmd) {
  double us = 0;
  self->request(drv, std::chrono::seconds{120}, cmd)
    .receive([&](double x) { us = x; }, [](caf::error&) {});
  return us;
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  return xs[xs.size() / 2];
}

struct row {
  std::string size;
  std::array<double, 3> rtt_us{};       // median round trip per path
  std::array<double, 3> frames_per_s{}; // median one-way throughput of a burst, per path
};

/// The paths take turns round trip by round trip (and burst by burst), each
/// going first in turn, so load from elsewhere on the machine and scheduler
/// drift hit all three alike. A burst is frames/10 one-way messages and a
/// round trip that returns their count.
row measure(caf::scoped_actor& self, const caf::actor& drv, std::size_t size, int rounds,
            int frames) {
  row r;
  std::array<std::vector<double>, 3> samples;
  for (int i = 0; i < rounds; ++i)
    for (std::size_t k = 0; k < all_paths.size(); ++k) {
      auto j = (static_cast<std::size_t>(i) + k) % all_paths.size();
      samples[j].push_back(timed(self, drv, round_trip_cmd{all_paths[j], size}));
    }
  constexpr int bursts = 10;
  int per_burst = std::max(1, frames / bursts);
  std::array<std::vector<double>, 3> rates;
  for (int i = 0; i < bursts; ++i)
    for (std::size_t k = 0; k < all_paths.size(); ++k) {
      auto j = (static_cast<std::size_t>(i) + k) % all_paths.size();
      auto us = timed(self, drv, burst_cmd{all_paths[j], size, per_burst});
      rates[j].push_back(per_burst / (us / 1e6));
    }
  for (std::size_t j = 0; j < all_paths.size(); ++j) {
    r.rtt_us[j] = median(samples[j]);
    r.frames_per_s[j] = median(rates[j]);
  }
  return r;
}

int run(int rounds, int frames, const std::vector<std::string>& caf_options) {
  int out[2];
  if (::pipe(out) != 0)
    return 1;
  auto child = ::fork();
  if (child == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    std::vector<std::string> args{"mosaik_bench_link", "--serve"};
    for (const auto& o : caf_options) {
      args.push_back("--caf");
      args.push_back(o);
    }
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv("/proc/self/exe", argv.data());
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
  if (!configure(cfg, caf_options))
    return 1;
  caf::actor_system sys{cfg};
  node::node_config ncfg;
  ncfg.network = "bench";
  ncfg.bootstrap.push_back(*address);
  auto n = node::spawn_node(sys, ncfg, secret_key::generate());
  caf::scoped_actor self{sys};
  self->send(n, node::subscribe_links{caf::actor_cast<caf::actor>(self)});
  self->receive([](const node::link_event&) {});
  auto echo_proxy = sys.middleman().remote_actor("127.0.0.1", plain_port);
  if (!echo_proxy) {
    std::cerr << "mosaik_bench_link: cannot reach the plain echo actor\n";
    return 1;
  }
  auto to = std::make_shared<targets>(targets{n, *address->peer, {}, *echo_proxy});
  self->request(n, std::chrono::seconds{5}, node::get_link{*address->peer})
    .receive([&](node::link_info& li) { to->ingress = li.ingress; }, [](caf::error&) {});
  auto drv = sys.spawn(driver, to);
  self->send(n, node::register_handler{frame_kind::stream, drv});
  std::string settings;
  for (const auto& o : caf_options)
    settings += " " + o;
  std::printf("mosaik_bench_link: 2 processes on 127.0.0.1, CAF settings:%s; median of %d round "
              "trips; one-way: median of 10 bursts, %d frames in all per size (%d at 64 KiB)\n",
              settings.empty() ? " defaults" : settings.c_str(), rounds, frames,
              std::max(1, frames / 10));
  std::printf("Sent and timed by an event-based actor. link/routed: send_frame through the local\n"
              "node; link/direct: frames straight to the peer's ingress (get_link); both are\n"
              "decoded and checked by the receiving node. The three paths take turns round trip\n"
              "by round trip (one-way: burst by burst).\n\n");
  std::vector<row> rows;
  for (std::size_t size : {64u, 1024u, 65536u}) {
    int f = size >= 65536 ? std::max(1, frames / 10) : frames;
    measure(self, drv, size, 50, f / 10 + 1); // warm-up
    auto r = measure(self, drv, size, rounds, f);
    r.size = size >= 1024 ? std::to_string(size / 1024) + " KiB" : std::to_string(size) + " B";
    rows.push_back(r);
  }
  constexpr auto caf_i = static_cast<std::size_t>(path::caf);
  constexpr auto routed_i = static_cast<std::size_t>(path::routed);
  constexpr auto direct_i = static_cast<std::size_t>(path::direct);
  std::printf("round trip (median, us)  %10s %14s %7s %14s %7s\n", "caf", "link/routed", "ratio",
              "link/direct", "ratio");
  for (const auto& r : rows)
    std::printf("  %-22s %10.1f %14.1f %6.2fx %14.1f %6.2fx\n", r.size.c_str(), r.rtt_us[caf_i],
                r.rtt_us[routed_i], r.rtt_us[routed_i] / r.rtt_us[caf_i], r.rtt_us[direct_i],
                r.rtt_us[direct_i] / r.rtt_us[caf_i]);
  std::printf("one-way (frames/s)       %10s %14s %7s %14s %7s\n", "caf", "link/routed", "ratio",
              "link/direct", "ratio");
  for (const auto& r : rows)
    std::printf("  %-22s %10.0f %14.0f %6.2fx %14.0f %6.2fx\n", r.size.c_str(),
                r.frames_per_s[caf_i], r.frames_per_s[routed_i],
                r.frames_per_s[caf_i] / r.frames_per_s[routed_i], r.frames_per_s[direct_i],
                r.frames_per_s[caf_i] / r.frames_per_s[direct_i]);
  std::printf("ratio = link cost / plain CAF cost (1.00x = the same, 2.00x = twice as expensive)\n");
  ::kill(child, SIGTERM);
  ::waitpid(child, nullptr, 0);
  caf::anon_send_exit(drv, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(n, caf::exit_reason::user_shutdown);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  bool serving = false;
  std::vector<std::string> caf_options;
  int rounds = 2000;
  int frames = 20000;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--serve")
      serving = true;
    else if (flag == "--caf" && i + 1 < argc)
      caf_options.emplace_back(argv[++i]);
    else if (flag == "--rounds" && i + 1 < argc)
      rounds = std::max(1, std::atoi(argv[++i]));
    else if (flag == "--frames" && i + 1 < argc)
      frames = std::max(10, std::atoi(argv[++i]));
  }
  return serving ? serve(caf_options) : run(rounds, frames, caf_options);
}
