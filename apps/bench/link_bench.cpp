// mosaik_bench_link: the mosaik link next to raw TCP and CAF BASP, side by
// side in one run, between two processes on loopback.
//
//   mosaik_bench_link [--rounds N] [--bursts N] [--frames N] [--caf OPTION]...
//
// --caf passes an option in CAF's command-line syntax to the actor systems
// of both processes, e.g. --caf --work-stealing.moderate-poll-attempts=0.
//
// The parent forks a server process (`--serve`) that runs a node with an
// echo handler, the same echo actor published for CAF BASP, and a raw-socket
// echo thread. The parent's node links to the server's node; its driver
// actor times the link and BASP, its main thread times raw TCP.
#include "apps/bench/link_bench.hpp"
#include "apps/bench/process_cpu.hpp"

#include "actors/core/link/peer_address.hpp"
#include "actors/node/node_actor.hpp"
#include "actors/node/node_api.hpp"
#include "actors/transport/system_config.hpp"

#include <caf/actor_system.hpp>
#include <caf/after.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include <array>
#include <csignal>
#include <fstream>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace mosaik;
using namespace mosaik::bench;

namespace {

struct options {
  bool serve = false;
  int rounds = 2000;        // round trips per path and size
  int bursts = 20;          // one-way bursts per path and size
  int frames = 5000;        // 128 B frames per burst
  int big_frames = 160;     // 64 KiB frames per burst (10 MiB)
  std::vector<std::string> caf;
};

/// Applies the --caf options to a process's actor system.
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

node::node_config bench_node() {
  node::node_config ncfg;
  ncfg.network = "bench";
  ncfg.discovery.reset(); // quiet links: only the benchmark's frames and heartbeats
  return ncfg;
}

int serve(const options& opt) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr); // before any thread starts
  transport::system_config cfg;
  auto raw = raw_listen();
  if (!configure(cfg, opt.caf) || !raw)
    return 1;
  std::thread raw_echo{raw_serve, *raw};
  caf::actor_system sys{cfg};
  auto n = node::spawn_node(sys, bench_node(), secret_key::generate());
  auto e = sys.spawn(echo, n);
  caf::anon_send(n, node::register_handler{wire::frame_kind::stream, std::nullopt, e});
  auto basp_port = sys.middleman().publish(e, 0, "127.0.0.1");
  caf::scoped_actor self{sys};
  self->request(n, std::chrono::seconds{10}, node::await_ready{})
    .receive(
      [&](const node::ready_info& r) {
        std::cout << r.peer.hex() << '@' << link::to_string(r.listen) << ' '
                  << (basp_port ? *basp_port : 0) << ' ' << raw->port << std::endl;
      },
      [&](caf::error&) { std::cout << "failed" << std::endl; });
  int sig = 0;
  sigwait(&signals, &sig);
  raw_echo.join(); // the client closed its raw connection before the signal
  self->request(n, std::chrono::seconds{2}, node::shutdown{}).receive([](bool) {}, [](caf::error&) {});
  caf::anon_send_exit(e, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(n, caf::exit_reason::user_shutdown);
  return 0;
}

} // namespace

namespace {

pid_t server_pid = 0;

[[noreturn]] void give_up(const std::string& why) {
  std::cerr << "mosaik_bench_link: " << why << '\n';
  if (server_pid > 0)
    ::kill(server_pid, SIGKILL);
  std::exit(1);
}

/// What the server announced: its node's address, BASP's port, the raw port.
struct server_ports {
  link::peer_address node;
  std::uint16_t basp = 0;
  std::uint16_t raw = 0;
};

server_ports start_server(const options& opt) {
  int out[2];
  if (::pipe(out) != 0)
    give_up("no pipe");
  server_pid = ::fork();
  if (server_pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    std::vector<std::string> args{"mosaik_bench_link", "--serve"};
    for (const auto& o : opt.caf) {
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
  ::close(out[0]);
  std::istringstream words{line};
  std::string address;
  server_ports ports;
  words >> address >> ports.basp >> ports.raw;
  auto parsed = link::parse_peer_address(address);
  if (!parsed || ports.basp == 0 || ports.raw == 0)
    give_up("the server did not start (it said: '" + line + "')");
  ports.node = *parsed;
  return ports;
}

enum column : std::size_t { link_col, basp_col, raw_col };
constexpr std::array<const char*, 3> column_names{"link", "CAF BASP", "raw TCP"};

/// Everything the measuring loops need.
struct bench {
  caf::scoped_actor& self;
  caf::actor drv;
  raw_client& raw;
};

template <class Result, class Cmd>
Result ask(bench& b, Cmd cmd) {
  Result r{};
  b.self->request(b.drv, std::chrono::seconds{60}, cmd)
    .receive([&](Result x) { r = x; },
             [&](caf::error& err) { give_up("the driver failed: " + caf::to_string(err)); });
  return r;
}

double round_trip(bench& b, column c, std::size_t size) {
  if (c != raw_col)
    return ask<double>(b, round_trip_cmd{c == link_col ? path::link : path::basp, size});
  if (auto us = b.raw.round_trip(size))
    return *us;
  give_up("the raw echo closed");
}

burst_result burst(bench& b, column c, std::size_t size, int frames) {
  if (c != raw_col)
    return ask<burst_result>(b, burst_cmd{c == link_col ? path::link : path::basp, size, frames});
  if (auto x = b.raw.burst(size, frames))
    return *x;
  give_up("the raw echo closed");
}

double percentile(std::vector<double> xs, double p) {
  std::sort(xs.begin(), xs.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(xs.size()));
  return xs[std::min(i, xs.size() - 1)];
}

/// The paths take turns sample by sample, each going first in turn, so load
/// from elsewhere on the machine and scheduler drift hit all three alike.
template <class Sample>
void interleaved(int n, Sample sample) {
  for (int i = 0; i < n; ++i)
    for (std::size_t k = 0; k < 3; ++k)
      sample(static_cast<column>((static_cast<std::size_t>(i) + k) % 3));
}

struct rtt_row {
  std::size_t size;
  std::array<double, 3> p50{}, p99{};
};

rtt_row measure_rtt(bench& b, std::size_t size, int rounds) {
  interleaved(std::max(1, rounds / 10), [&](column c) { round_trip(b, c, size); }); // warm-up
  std::array<std::vector<double>, 3> us;
  interleaved(rounds, [&](column c) { us[c].push_back(round_trip(b, c, size)); });
  rtt_row r{size};
  for (std::size_t c = 0; c < 3; ++c) {
    r.p50[c] = percentile(us[c], 0.5);
    r.p99[c] = percentile(us[c], 0.99);
  }
  return r;
}


/// What both processes have used, the idle threads of each included.
double cpu_seconds_both() {
  return cpu_seconds_of(::getpid()) + cpu_seconds_of(server_pid);
}

struct rate_row {
  std::size_t size;
  std::array<double, 3> frames_per_s{}, mb_per_s{}; // medians over the bursts
  std::array<double, 3> cpu_us_per_frame{};         // both processes, all bursts
  std::array<std::uint64_t, 3> lost{};               // frames sent and not counted, all bursts
};

rate_row measure_rate(bench& b, std::size_t size, int bursts, int frames) {
  interleaved(2, [&](column c) { burst(b, c, size, frames); }); // warm-up
  std::array<std::vector<double>, 3> rates;
  std::array<double, 3> cpu{};
  rate_row r{size};
  interleaved(bursts, [&](column c) {
    auto cpu0 = cpu_seconds_both();
    auto x = burst(b, c, size, frames);
    cpu[c] += cpu_seconds_both() - cpu0;
    rates[c].push_back(frames / (x.us / 1e6));
    r.lost[c] += static_cast<std::uint64_t>(frames) - std::min<std::uint64_t>(x.counted, frames);
  });
  for (std::size_t c = 0; c < 3; ++c) {
    r.frames_per_s[c] = percentile(rates[c], 0.5);
    r.mb_per_s[c] = r.frames_per_s[c] * static_cast<double>(size) / 1e6;
    r.cpu_us_per_frame[c] = cpu[c] * 1e6 / (static_cast<double>(frames) * bursts);
  }
  return r;
}

} // namespace

namespace {

std::string size_name(std::size_t size) {
  return size >= 1024 ? std::to_string(size / 1024) + " KiB" : std::to_string(size) + " B";
}

const char* verdict(bool met) {
  return met ? "met" : "MISSED";
}

void print_rtt(const std::vector<rtt_row>& rows) {
  std::printf("round trip, us          %9s %8s %9s %8s %9s %8s %10s %9s\n", "link p50", "p99",
              "BASP p50", "p99", "raw p50", "p99", "link/BASP", "link/raw");
  for (const auto& r : rows)
    std::printf("  %-21s %9.1f %8.1f %9.1f %8.1f %9.1f %8.1f %9.2fx %8.2fx\n",
                size_name(r.size).c_str(), r.p50[link_col], r.p99[link_col], r.p50[basp_col],
                r.p99[basp_col], r.p50[raw_col], r.p99[raw_col], r.p50[link_col] / r.p50[basp_col],
                r.p50[link_col] / r.p50[raw_col]);
}

/// "1.23x", or "-" when the peer's figure is 0 (below the clock's resolution).
std::string ratio(double ours, double theirs) {
  if (theirs <= 0)
    return "-";
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.2fx", ours / theirs);
  return text.data();
}

void print_rates(const rate_row& small, const rate_row& big) {
  std::printf("one-way                 %12s %12s %12s %10s %9s\n", "link", "CAF BASP", "raw TCP",
              "link/BASP", "link/raw");
  auto line = [](const std::string& what, const std::array<double, 3>& x, int decimals) {
    std::printf("  %-21s %12.*f %12.*f %12.*f %10s %9s\n", what.c_str(), decimals, x[link_col],
                decimals, x[basp_col], decimals, x[raw_col],
                ratio(x[link_col], x[basp_col]).c_str(), ratio(x[link_col], x[raw_col]).c_str());
  };
  line(size_name(small.size) + " frames/s", small.frames_per_s, 0);
  line(size_name(big.size) + " MB/s", big.mb_per_s, 0);
  line(size_name(small.size) + " CPU us/frame", small.cpu_us_per_frame, 2);
  line(size_name(big.size) + " CPU us/frame", big.cpu_us_per_frame, 2);
  for (const auto* r : {&small, &big})
    for (std::size_t c = 0; c < 3; ++c)
      if (r->lost[c] > 0)
        std::printf("  LOST: %llu %s frames of %s never reached the echo\n",
                    static_cast<unsigned long long>(r->lost[c]), size_name(r->size).c_str(),
                    column_names[c]);
}

void print_aead(const std::vector<aead_figures>& figures, link::cipher picked) {
  std::printf("\nencryption alone (in this process, one core, CPU time), MB/s at 64 KiB and ns at 128 B:\n"
              "  %-28s %12s %8s %8s %15s\n", "", "seal+open", "seal", "open", "128 B seal+open");
  for (const auto& f : figures)
    std::printf("  %-28s %12.0f %8.0f %8.0f %12.0f ns\n",
                (cipher_name(f.cipher) + (f.cipher == picked ? " (the link's)" : "")).c_str(),
                f.mb_per_s, f.seal_mb_per_s, f.open_mb_per_s, f.ns_per_small);
}

void print_targets(const std::vector<rtt_row>& rtt, const rate_row& small, const rate_row& big) {
  std::printf("\ntargets (issue 10):\n  round-trip p50 <= 0.5x CAF BASP's:");
  bool all = true;
  for (const auto& r : rtt) {
    auto x = r.p50[link_col] / r.p50[basp_col];
    all = all && x <= 0.5;
    std::printf(" %s %.2fx", size_name(r.size).c_str(), x);
  }
  std::printf(": %s\n", verdict(all));
  auto x = small.frames_per_s[link_col] / small.frames_per_s[basp_col];
  std::printf("  one-way 128 B frames/s >= 2x CAF BASP's: %.2fx: %s\n", x, verdict(x >= 2));
  auto mb = big.mb_per_s[link_col];
  std::printf("  one-way 64 KiB >= 1500 MB/s encrypted: %.0f MB/s: %s\n", mb, verdict(mb >= 1500));
}

} // namespace

namespace {

/// Waits until the client's node has its link to the server's.
void await_link(caf::scoped_actor& self, const node::node_handle& n) {
  self->send(n, node::subscribe_links{caf::actor_cast<caf::actor>(self)});
  bool up = false;
  while (!up)
    self->receive([&](const node::link_event& e) { up = e.up; },
                  [&](const node::link_rtt&) {},
                  caf::after(std::chrono::seconds{10}) >> [&] { give_up("no link to the server"); });
}

void print_header(const options& opt, link::cipher picked) {
  std::string settings;
  for (const auto& o : opt.caf)
    settings += " " + o;
  std::printf("mosaik_bench_link: 2 processes on 127.0.0.1, CAF settings:%s; link cipher %s\n"
              "round trips: %d per path and size, p50 and p99; one-way: median of %d bursts of\n"
              "%d x 128 B and %d x 64 KiB per path. The paths take turns sample by sample.\n"
              "link: send_frame / frame_received between two nodes (sealed records); CAF BASP:\n"
              "a published echo actor and remote_actor; raw TCP: blocking sockets, TCP_NODELAY,\n"
              "length-prefixed, one-way batched into 64 KiB writes, no encryption.\n"
              "CPU us/frame: user+system time of both processes during the bursts (idle\n"
              "threads included), per frame.\n\n",
              settings.empty() ? " defaults" : settings.c_str(), cipher_name(picked).c_str(),
              opt.rounds, opt.bursts, opt.frames, opt.big_frames);
}

void measure_and_print(bench& b, const options& opt, link::cipher picked) {
  std::vector<rtt_row> rtt;
  for (std::size_t size : {64u, 1024u, 65536u})
    rtt.push_back(measure_rtt(b, size, opt.rounds));
  auto small = measure_rate(b, 128, opt.bursts, opt.frames);
  auto big = measure_rate(b, 65536, opt.bursts, opt.big_frames);
  print_rtt(rtt);
  print_rates(small, big);
  print_aead(measure_aead(), picked);
  print_targets(rtt, small, big);
}

int run(const options& opt) {
  auto picked = link::choose_cipher(link::available_ciphers(), link::available_ciphers());
  if (!picked)
    give_up("no cipher available");
  auto ports = start_server(opt);
  transport::system_config cfg;
  if (!configure(cfg, opt.caf))
    give_up("bad CAF settings");
  caf::actor_system sys{cfg};
  auto ncfg = bench_node();
  ncfg.bootstrap.push_back(ports.node);
  auto n = node::spawn_node(sys, ncfg, secret_key::generate());
  caf::scoped_actor self{sys};
  await_link(self, n);
  auto basp_echo = sys.middleman().remote_actor("127.0.0.1", ports.basp);
  if (!basp_echo)
    give_up("cannot reach the published echo actor");
  auto drv = sys.spawn(driver, targets{n, *ports.node.peer, *basp_echo});
  self->send(n, node::register_handler{wire::frame_kind::stream, std::nullopt, drv});
  print_header(opt, *picked);
  {
    raw_client raw{ports.raw};
    if (raw.fd() < 0)
      give_up("cannot reach the raw echo");
    bench b{self, drv, raw};
    measure_and_print(b, opt, *picked);
  } // the raw connection closes here, which ends the server's raw echo
  ::kill(server_pid, SIGTERM);
  ::waitpid(server_pid, nullptr, 0);
  caf::anon_send_exit(drv, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(n, caf::exit_reason::user_shutdown);
  return 0;
}

options parse(int argc, char** argv) {
  options opt;
  auto count = [&](int& i, int least) { return std::max(least, std::atoi(argv[++i])); };
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    bool has_value = i + 1 < argc;
    if (flag == "--serve")
      opt.serve = true;
    else if (flag == "--caf" && has_value)
      opt.caf.emplace_back(argv[++i]);
    else if (flag == "--rounds" && has_value)
      opt.rounds = count(i, 1);
    else if (flag == "--bursts" && has_value)
      opt.bursts = count(i, 1);
    else if (flag == "--frames" && has_value)
      opt.frames = count(i, 1);
    else
      give_up("unknown argument " + flag
              + " (usage: mosaik_bench_link [--rounds N] [--bursts N] [--frames N] [--caf OPTION]...)");
  }
  return opt;
}

} // namespace

int main(int argc, char** argv) {
  ::setenv("MOSAIK_LOG", "warn", 0); // the nodes' info lines would bury the figures
  auto opt = parse(argc, argv);
  return opt.serve ? serve(opt) : run(opt);
}
