// The attack suite: three linked `mosaik node` processes on loopback, node 0
// attacked from this process with raw sockets from 127.0.0.2 and up (so the
// honest nodes and `mosaik status`, on 127.0.0.1, are another host). Each
// case ends with the same checks: node 0 still runs, answers `mosaik status`
// within the CLI's deadline, keeps its links to nodes 1 and 2, stays within
// its memory bound (RSS and peak RSS at most the baseline + 64 MB), and
// counted what it refused. Each case prints one ATTACK row for the table.
#include "actors/core/link/link_config.hpp"
#include "schemas/codec/frame_codec.hpp"
#include "schemas/codec/handshake_codec.hpp"
#include "tests/proc/attack_probe.hpp"
#include "tests/proc/attacker.hpp"
#include "tests/proc/loopback_server.hpp"
#include "tests/proc/node_cluster.hpp"

#include <sodium.h>

#include <atomic>
#include <cstdio>
#include <deque>
#include <future>
#include <sys/resource.h>

using namespace mosaik;
using namespace mosaik::test;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr std::uint64_t rss_slack_kb = 64 * 1024; // the bound: baseline + 64 MB
const link::link_config limits{};                  // the node runs with the defaults

// Well before the handshake deadline: a refusal at the header, not a timeout.
const auto half_deadline = std::chrono::duration_cast<std::chrono::milliseconds>(limits.handshake_timeout / 2);

const std::string refused = "mosaik.network.link.connections.refused";
const std::string dropped = "mosaik.network.link.frames.dropped";
const std::string closes = "mosaik.network.link.closes.sent";

std::string refusal(const std::string& limit) {
  return labelled(refused, "limit", limit);
}
std::string drop(const std::string& cause) {
  return labelled(dropped, "cause", cause);
}
std::string close_sent(const std::string& reason) {
  return labelled(closes, "reason", reason);
}

/// The n-th attacking host: 127.0.0.2, 127.0.0.3, ...
std::string attacker_host(std::size_t n) {
  return "127.0.0." + std::to_string(2 + n);
}

bytes random_bytes(std::size_t n) {
  REQUIRE(sodium_init() >= 0); // idempotent
  bytes b(n);
  randombytes_buf(b.data(), b.size());
  return b;
}

bytes header_of(std::uint32_t declared) {
  bytes h(link::record_header_size);
  link::write_record_header(h.data(), declared);
  return h;
}

std::uint32_t declared_by(const bytes& b) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
}

wire::frame heartbeat(std::uint64_t seq) {
  return {wire::frame_kind::heartbeat, seq, {}, {}};
}

/// Lets this process hold thousands of sockets (the nodes, started
/// earlier, keep the limit they were started with).
void raise_open_files() {
  rlimit r{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &r) == 0);
  r.rlim_cur = r.rlim_max;
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &r) == 0);
  REQUIRE(r.rlim_cur >= 4096);
}

/// Node 0 attacked, nodes 1 and 2 honest and linked to it.
struct attacked_cluster {
  node_cluster c;
  int pid = 0;
  std::uint16_t port = 0;
  std::uint64_t rss_before_kb = 0;
  std::string before; // node 0's status --json before the attack

  attacked_cluster() {
    c.start_three();
    pid = c.nodes[0].proc->pid();
    const auto& a = c.nodes[0].address;
    port = static_cast<std::uint16_t>(std::stoi(a.substr(a.rfind(':') + 1)));
    before = status_json();
    REQUIRE(!before.empty());
    rss_before_kb = proc_kb(pid, "VmRSS");
    REQUIRE(rss_before_kb > 0);
  }

  std::string status_json() {
    auto r = c.status(0);
    return r.exit_code == 0 ? r.out : std::string{};
  }

  /// Connections refused at accept since `before`, whatever the limit.
  std::uint64_t refused_at_any_limit(const std::string& now) const {
    std::uint64_t n = 0;
    for (auto limit : {"total", "per_address", "handshakes_per_address", "handshakes"})
      n += delta(now, refusal(limit));
    return n;
  }

  /// How much `key` grew from `before` to `now`.
  std::uint64_t delta(const std::string& now, const std::string& key) const {
    return counter(now, key) - counter(before, key);
  }

  measured_run ask_status(std::size_t i) {
    return run_measured({bin, "status", c.nodes.at(i).address, "--network", c.network, "--json"}, 5s);
  }

  /// The checks every case ends with; node 0's status --json afterwards.
  std::string survived(const char* attack, const std::string& counted) {
    REQUIRE_FALSE(c.nodes[0].proc->wait(0ms).has_value()); // still running
    measured_run r;
    int attempts = 0;
    bool answered = eventually([&] {
      ++attempts;
      r = ask_status(0);
      return r.exit_code == 0;
    }, 5s);
    CHECK_MESSAGE(answered, "node 0 does not answer status after: " << attack << ": " << r.err);
    CHECK(attempts == 1);
    CHECK(r.wall < 3s); // the CLI's own deadline is 2 s
    for (std::size_t i : {1u, 2u}) {
      CHECK_MESSAGE(r.out.find("\"peer_id\":\"" + c.nodes[i].peer + "\"") != std::string::npos,
                    "node 0 lost its link to node " << i << " after: " << attack);
      CHECK_MESSAGE(c.reports(i, c.nodes[0].peer), "node " << i << " lost node 0 after: " << attack);
    }
    auto rss = proc_kb(pid, "VmRSS");
    auto peak = proc_kb(pid, "VmHWM");
    CHECK(rss <= rss_before_kb + rss_slack_kb);
    CHECK(peak <= rss_before_kb + rss_slack_kb);
    std::printf("ATTACK | %s | %s | RSS %llu -> %llu kB, peak %llu kB | status %lld ms | %s\n", attack,
                answered ? "survived" : "NO STATUS", static_cast<unsigned long long>(rss_before_kb),
                static_cast<unsigned long long>(rss), static_cast<unsigned long long>(peak),
                static_cast<long long>(r.wall.count()), counted.c_str());
    std::fflush(stdout);
    return r.out;
  }
};

std::string figures(const std::vector<std::pair<std::string, std::uint64_t>>& rows) {
  std::string out;
  for (const auto& [name, n] : rows)
    out += (out.empty() ? "" : ", ") + name + " +" + std::to_string(n);
  return out;
}

} // namespace

TEST_CASE("attack: a 4 GiB record header is refused at the header") {
  attacked_cluster a;
  std::vector<raw_socket> conns;
  for (std::size_t i = 0; i < limits.max_handshakes_per_address; ++i) {
    auto s = raw_socket::connect(attacker_host(0), a.port);
    REQUIRE(s);
    REQUIRE(s->send(header_of(0xffffffffu)));
    conns.push_back(std::move(*s));
  }
  auto start = clock_type::now();
  for (auto& s : conns)
    CHECK(s.closed_within(half_deadline)); // at the header, not at the deadline
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start);
  auto now = a.survived("4 GiB header x8", "closed after " + std::to_string(took.count()) + " ms, "
                        + figures({{"dropped{oversized}", a.delta(a.status_json(), drop("oversized"))}}));
  CHECK(a.delta(now, drop("oversized")) == conns.size());
  CHECK(a.delta(now, close_sent("protocol_violation")) == conns.size());
}

TEST_CASE("attack: random bytes are refused as oversized or undecodable") {
  attacked_cluster a;
  std::size_t expect_oversized = 0;
  std::vector<raw_socket> conns;
  // Raw random bytes: the first four are a header, mostly over the cap.
  for (std::size_t i = 0; i < 16; ++i) {
    auto s = raw_socket::connect(attacker_host(i % 2), a.port);
    REQUIRE(s);
    auto junk = random_bytes(64 * 1024);
    expect_oversized += declared_by(junk) > limits.handshake_record_cap ? 1 : 0;
    s->send(junk); // the node may close before it has all of it
    conns.push_back(std::move(*s));
  }
  // Random bodies under well-formed headers: undecodable records.
  for (std::size_t i = 0; i < 8; ++i) {
    auto s = raw_socket::connect(attacker_host(2), a.port);
    REQUIRE(s);
    auto record = header_of(1000);
    auto body = random_bytes(1000);
    record.insert(record.end(), body.begin(), body.end());
    s->send(record);
    conns.push_back(std::move(*s));
  }
  for (auto& s : conns)
    CHECK(s.closed_within(half_deadline));
  auto now = a.status_json();
  auto oversized = a.delta(now, drop("oversized"));
  auto undecodable = a.delta(now, drop("unauthenticated"));
  a.survived("random bytes (16 raw x 64 KiB, 8 records of 1000 random bytes)",
             figures({{"dropped{oversized}", oversized}, {"dropped{unauthenticated}", undecodable}}));
  CHECK(oversized == expect_oversized);
  CHECK(undecodable == conns.size() - expect_oversized);
}

TEST_CASE("attack: 500 slow-drip connections are closed by the handshake deadline") {
  attacked_cluster a;
  raise_open_files();
  constexpr std::size_t count = 500;
  constexpr std::size_t hosts = 63;
  auto hello = hello_record(stranger(secret_key::generate(), a.c.network));
  std::vector<std::optional<raw_socket>> conns;
  auto started = clock_type::now();
  for (std::size_t i = 0; i < count; ++i) {
    conns.push_back(raw_socket::connect(attacker_host(i % hosts), a.port));
    REQUIRE(conns.back());
  }
  auto connected = clock_type::now();
  bool connected_in_time = connected - started < limits.handshake_timeout; // no slot freed meanwhile
  // One `mosaik status` in the middle of the drip: an observation only
  // (the drip may hold every handshake slot of the node).
  auto during = std::async(std::launch::async, [&] { return a.ask_status(0); });
  // The drip: one byte of a hello per connection every 100 ms, until the
  // node closed them all; a handshake would need over 20 s at this pace.
  std::size_t open = count;
  std::size_t sent = 0;
  auto last_close = connected;
  for (std::size_t tick = 0; open > 0 && clock_type::now() < connected + limits.handshake_timeout + 3s; ++tick) {
    for (auto& s : conns) {
      if (!s)
        continue;
      if (!s->drain() || !s->send({&hello[tick % hello.size()], 1})) {
        s.reset();
        --open;
        last_close = clock_type::now();
      } else {
        ++sent;
      }
    }
    std::this_thread::sleep_for(100ms); // the attack's own pace
  }
  auto status_during = during.get();
  auto closed_after = std::chrono::duration_cast<std::chrono::milliseconds>(last_close - connected);
  auto now = a.status_json();
  auto refusals = a.refused_at_any_limit(now);
  auto timeouts = a.delta(now, close_sent("handshake_timeout"));
  auto evicted = a.delta(now, labelled("mosaik.network.link.connections.evicted", "limit", "handshakes"));
  a.survived("500 slow-drip connections, 63 hosts, 1 byte/100 ms",
             "all closed " + std::to_string(closed_after.count()) + " ms after the last connect, "
               + std::to_string(sent) + " bytes dripped, "
               + figures({{"refused{handshakes*}", refusals}, {"evicted{handshakes}", evicted},
                          {"closes.sent{handshake_timeout}", timeouts}})
               + ", status during the drip: exit " + std::to_string(status_during.exit_code));
  CHECK(open == 0);
  CHECK(closed_after <= limits.handshake_timeout + 1s);
  // Each dripping connection was refused, evicted by a later one or timed
  // out; the status asked during the drip is one more refusal when it was
  // refused (and took an evicted one's slot when it was not).
  CHECK(refusals + evicted + timeouts == count + (status_during.exit_code == 0 ? 0 : 1));
  CHECK(timeouts + 1 >= limits.max_pending_handshakes);
  if (connected_in_time) // then the node held as many handshakes as it runs at once
    CHECK(timeouts <= limits.max_pending_handshakes);
}

TEST_CASE("attack: 2000 held connections meet the per-host and the total limit") {
  attacked_cluster a;
  raise_open_files();
  constexpr std::size_t hosts = 20;
  constexpr std::size_t per_host = 100;
  std::vector<hand_link> held;
  std::size_t turned_away = 0;
  auto keep_alive_at = clock_type::now();
  std::uint64_t seq = 0;
  auto keep_alive = [&] { // the node drops links silent for 3 heartbeat intervals
    for (auto& l : held) {
      l.socket().drain();
      l.write_frame(heartbeat(++seq));
    }
    keep_alive_at = clock_type::now();
  };
  for (std::size_t h = 0; h < hosts; ++h)
    for (std::size_t i = 0; i < per_host; ++i) {
      auto key = secret_key::generate();
      if (auto l = linked_stranger(attacker_host(h), a.port, key, a.c.network))
        held.push_back(std::move(*l));
      else
        ++turned_away;
      if (clock_type::now() - keep_alive_at > 500ms)
        keep_alive();
    }
  keep_alive();
  // While they are held: the honest nodes keep node 0, its memory stays bounded.
  auto rss_held = proc_kb(a.pid, "VmRSS");
  bool honest_kept = a.c.reports(1, a.c.nodes[0].peer) && a.c.reports(2, a.c.nodes[0].peer);
  auto status_held = a.ask_status(0);
  keep_alive();
  auto linked_held = held.size();
  held.clear();
  auto now = a.status_json();
  auto per_address = a.delta(now, refusal("per_address"));
  auto total = a.delta(now, refusal("total"));
  auto handshaking = a.delta(now, refusal("handshakes_per_address")) + a.delta(now, refusal("handshakes"));
  a.survived("2000 held connections, 20 hosts x 100, as linked strangers",
             std::to_string(linked_held) + " held, RSS while held " + std::to_string(rss_held) + " kB, "
               + figures({{"refused{per_address}", per_address}, {"refused{total}", total},
                          {"refused{handshakes*}", handshaking}})
               + ", status while held: exit " + std::to_string(status_held.exit_code));
  CHECK(honest_kept);
  CHECK(rss_held <= a.rss_before_kb + rss_slack_kb);
  CHECK(linked_held + 2 == limits.max_connections); // node 0's two honest links take the rest
  CHECK(per_address >= 1);
  CHECK(total >= 1);
  // The status asked while they were held is one more refusal when it was refused.
  CHECK(per_address + total + handshaking == turned_away + (status_held.exit_code == 0 ? 0 : 1));
  CHECK(linked_held + turned_away == hosts * per_host);
}

TEST_CASE("attack: a connect and close flood leaves no connection behind") {
  attacked_cluster a;
  auto fds_before = open_fds(a.pid);
  constexpr std::size_t count = 3000;
  for (std::size_t i = 0; i < count; ++i) {
    auto s = raw_socket::connect(attacker_host(i % 10), a.port);
    REQUIRE(s);
    if (i % 2 == 0)
      s->reset(); // half with a reset, half with a FIN
  }
  auto fds_back = eventually([&] { return open_fds(a.pid) <= fds_before; }, 5s);
  auto now = a.status_json();
  auto refusals = a.refused_at_any_limit(now);
  auto timeouts = a.delta(now, close_sent("handshake_timeout"));
  a.survived("connect/close flood, 3000 from 10 hosts, half reset",
             "fds " + std::to_string(fds_before) + " -> " + std::to_string(open_fds(a.pid)) + ", "
               + figures({{"refused{any}", refusals}, {"closes.sent{handshake_timeout}", timeouts}}));
  CHECK(fds_back);
  CHECK(timeouts == 0); // every close was noticed; nothing waited for its deadline
}

TEST_CASE("attack: a 1 GB frame after the handshake is refused at its header") {
  attacked_cluster a;
  auto key = secret_key::generate();
  auto l = linked_stranger(attacker_host(0), a.port, key, a.c.network);
  REQUIRE(l);
  constexpr std::uint32_t gigabyte = 1u << 30;
  REQUIRE(l->socket().send(header_of(gigabyte)));
  bytes chunk(1u << 20);
  std::size_t streamed = 0;
  while (streamed < gigabyte && l->socket().send(chunk))
    streamed += chunk.size();
  auto now = a.status_json();
  a.survived("1 GB frame after a handshake, streamed",
             "the socket broke after " + std::to_string(streamed >> 20) + " full MiB chunks, "
               + figures({{"dropped{oversized}", a.delta(now, drop("oversized"))}}));
  CHECK(streamed < (64u << 20));
  CHECK(a.delta(now, drop("oversized")) == 1);
}

TEST_CASE("attack: frames after a failed handshake are not read") {
  attacked_cluster a;
  bytes trailer;
  for (std::uint64_t i = 1; i <= 3; ++i) {
    auto r = plain_record(heartbeat(i));
    trailer.insert(trailer.end(), r.begin(), r.end());
  }
  auto junk = header_of(40);
  auto body = random_bytes(40);
  junk.insert(junk.end(), body.begin(), body.end());
  trailer.insert(trailer.end(), junk.begin(), junk.end());
  auto huge = header_of(0xffffffffu);
  trailer.insert(trailer.end(), huge.begin(), huge.end());
  // A hello for another network, the trailer in the same write.
  auto s = raw_socket::connect(attacker_host(0), a.port);
  REQUIRE(s);
  auto wrong = hello_record(stranger(secret_key::generate(), "not-" + a.c.network));
  wrong.insert(wrong.end(), trailer.begin(), trailer.end());
  REQUIRE(s->send(wrong));
  CHECK(s->closed_within(1s));
  // A proof signed with another key than the hello's, the trailer after it.
  auto s2 = raw_socket::connect(attacker_host(0), a.port);
  REQUIRE(s2);
  hand_link l{std::move(*s2)};
  auto other = secret_key::generate();
  CHECK_FALSE(l.handshake(other, stranger(secret_key::generate(), a.c.network), trailer));
  CHECK(l.socket().closed_within(1s));
  auto now = a.status_json();
  a.survived("frames after a failed handshake (wrong network, bad proof)",
             figures({{"closes.sent{different_network}", a.delta(now, close_sent("different_network"))},
                      {"closes.sent{invalid_signature}", a.delta(now, close_sent("invalid_signature"))},
                      {"dropped{oversized}", a.delta(now, drop("oversized"))},
                      {"dropped{unauthenticated}", a.delta(now, drop("unauthenticated"))}}));
  CHECK(a.delta(now, close_sent("different_network")) == 1);
  CHECK(a.delta(now, close_sent("invalid_signature")) == 1);
  CHECK(a.delta(now, drop("oversized")) == 0);
  CHECK(a.delta(now, drop("unauthenticated")) == 0);
}

TEST_CASE("attack: a replayed handshake of a real client is refused") {
  attacked_cluster a;
  recording_proxy proxy{a.port, 5s};
  auto real = run_measured({bin, "status", "127.0.0.1:" + std::to_string(proxy.port()), "--network",
                            a.c.network, "--json"}, 5s);
  REQUIRE(real.exit_code == 0);
  // The client's hello and proof are its first two records (a sealed
  // status request follows).
  link::record_reader reader{limits.handshake_record_cap};
  reader.feed(proxy.client_bytes());
  bytes replay;
  for (int i = 0; i < 2; ++i) {
    auto body = reader.next();
    REQUIRE(body);
    REQUIRE(*body);
    auto f = codec::decode_frame(**body);
    REQUIRE(f);
    CHECK(f->kind == (i == 0 ? wire::frame_kind::hello : wire::frame_kind::proof));
    auto record = header_of(static_cast<std::uint32_t>((*body)->size()));
    record.insert(record.end(), (*body)->begin(), (*body)->end());
    replay.insert(replay.end(), record.begin(), record.end());
  }
  auto s = raw_socket::connect(attacker_host(0), a.port);
  REQUIRE(s);
  REQUIRE(s->send(replay));
  CHECK(s->closed_within(1s));
  auto now = a.status_json();
  a.survived("replayed handshake (hello and proof of a real mosaik status)",
             figures({{"closes.sent{stale_proof}", a.delta(now, close_sent("stale_proof"))},
                      {"link.clients", a.delta(now, "mosaik.network.link.clients")}}));
  CHECK(a.delta(now, close_sent("stale_proof")) == 1);
  CHECK(a.delta(now, "mosaik.network.link.clients") == 2); // the real one and this status, not the replay
}

TEST_CASE("attack: a sealed record replayed, reordered or altered closes the link") {
  attacked_cluster a;
  auto tamper = [&](const char* how, auto&& change) {
    auto key = secret_key::generate();
    auto l = linked_stranger(attacker_host(0), a.port, key, a.c.network);
    REQUIRE(l);
    auto first = l->record_of(heartbeat(1));
    REQUIRE(l->socket().send(first));
    bool acked = false; // the first record opened: the node answers it
    for (auto deadline = clock_type::now() + 2s; !acked && clock_type::now() < deadline;) {
      auto f = l->read_frame(200ms);
      acked = f && f->kind == wire::frame_kind::heartbeat_ack;
    }
    CHECK_MESSAGE(acked, how);
    REQUIRE(l->socket().send(change(*l, first)));
    CHECK_MESSAGE(l->socket().closed_within(1s), how);
  };
  tamper("replayed", [](hand_link&, const bytes& first) { return first; });
  tamper("reordered", [](hand_link& l, const bytes&) {
    l.record_of(heartbeat(2)); // sealed and never sent: the next one skips a counter
    return l.record_of(heartbeat(3));
  });
  tamper("altered", [](hand_link& l, const bytes&) {
    auto r = l.record_of(heartbeat(2));
    r.back() ^= 0x01;
    return r;
  });
  auto now = a.status_json();
  a.survived("sealed record replayed, reordered, altered (one link each)",
             figures({{"dropped{unauthenticated}", a.delta(now, drop("unauthenticated"))},
                      {"closes.sent{protocol_violation}", a.delta(now, close_sent("protocol_violation"))}}));
  CHECK(a.delta(now, drop("unauthenticated")) == 3);
  CHECK(a.delta(now, close_sent("protocol_violation")) == 3);
}

TEST_CASE("attack: a hello claiming an honest peer's id does not touch its link") {
  attacked_cluster a;
  auto honest = peer_id::from_hex(a.c.nodes[1].peer);
  REQUIRE(honest);
  auto impostor = secret_key::generate();
  auto me = stranger(impostor, a.c.network);
  me.self = *honest;
  auto s = raw_socket::connect(attacker_host(0), a.port);
  REQUIRE(s);
  hand_link l{std::move(*s)};
  CHECK_FALSE(l.handshake(impostor, me));
  CHECK(l.socket().closed_within(1s));
  auto now = a.status_json();
  auto downs = a.delta(now, "mosaik.network.connections.closed");
  a.survived("claim of node 1's id, proof signed with another key",
             figures({{"closes.sent{invalid_signature}", a.delta(now, close_sent("invalid_signature"))},
                      {"connections.closed", downs}}));
  CHECK(a.delta(now, close_sent("invalid_signature")) == 1);
  CHECK(downs == 0); // no link went down, not even for a moment
}

TEST_CASE("attack: a handshake flood from one host does not keep an honest node out") {
  attacked_cluster a;
  raise_open_files();
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> hellos{0};
  auto flood = std::async(std::launch::async, [&] {
    std::deque<raw_socket> open;
    auto me = stranger(secret_key::generate(), a.c.network);
    for (auto end = clock_type::now() + 15s; !stop && clock_type::now() < end;) {
      auto s = raw_socket::connect(attacker_host(0), a.port);
      if (!s)
        continue;
      s->send(hello_record(me));
      ++hellos;
      open.push_back(std::move(*s));
      if (open.size() > 256)
        open.pop_front();
    }
  });
  auto fresh = a.c.start({"--bootstrap", a.c.nodes[0].address}).peer;
  auto linked = eventually([&] { return a.c.reports(3, a.c.nodes[0].peer) && a.c.reports(0, fresh); }, 10s);
  auto during = a.ask_status(0);
  stop = true;
  flood.get();
  auto now = a.status_json();
  auto per_host = a.delta(now, refusal("handshakes_per_address"));
  a.survived("handshake flood from 127.0.0.2 while node 3 joins from 127.0.0.1",
             std::to_string(hellos) + " hellos, node 3 " + (linked ? "linked" : "NOT linked")
               + ", status during the flood: exit " + std::to_string(during.exit_code) + ", "
               + figures({{"refused{handshakes_per_address}", per_host},
                          {"closes.sent{handshake_timeout}", a.delta(now, close_sent("handshake_timeout"))}}));
  CHECK(linked);
  CHECK(during.exit_code == 0);
  CHECK(per_host >= 1);
}

TEST_CASE("attack: a handshake flood from 32 hosts does not keep an honest node out") {
  attacked_cluster a;
  raise_open_files();
  constexpr std::size_t hosts = 32; // 8 handshakes each could hold 256 slots of the 64
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> hellos{0};
  auto flood = std::async(std::launch::async, [&] {
    std::vector<std::deque<raw_socket>> open(hosts);
    auto me = stranger(secret_key::generate(), a.c.network);
    for (auto end = clock_type::now() + 15s; !stop && clock_type::now() < end;)
      for (std::size_t h = 0; h < hosts && !stop; ++h) {
        auto s = raw_socket::connect(attacker_host(h), a.port);
        if (!s)
          continue;
        s->send(hello_record(me));
        ++hellos;
        open[h].push_back(std::move(*s));
        if (open[h].size() > limits.max_handshakes_per_address)
          open[h].pop_front();
      }
  });
  // The flood holds the handshake total before the honest node dials.
  bool full = eventually([&] { return a.delta(a.status_json(), refusal("handshakes")) > 0; }, 10s);
  auto fresh = a.c.start({"--bootstrap", a.c.nodes[0].address}).peer;
  auto linked = eventually([&] { return a.c.reports(3, a.c.nodes[0].peer) && a.c.reports(0, fresh); }, 10s);
  auto fresh_status = a.c.status(3);
  stop = true;
  flood.get();
  auto now = a.status_json();
  auto evicted = a.delta(now, labelled("mosaik.network.link.connections.evicted", "limit", "handshakes"));
  auto total = a.delta(now, refusal("handshakes"));
  auto failed_dials = counter(fresh_status.out, "mosaik.network.link.dials.failed");
  a.survived("handshake flood from 32 hosts while node 3 joins from 127.0.0.1",
             std::to_string(hellos) + " hellos, node 3 " + (linked ? "linked" : "NOT linked") + " after "
               + std::to_string(failed_dials) + " failed dials, "
               + figures({{"refused{handshakes}", total}, {"evicted{handshakes}", evicted}}));
  CHECK(full);
  CHECK(linked);
  CHECK(evicted >= 1);
  // Its first dial got in: the flood took no slot a newcomer could not take back.
  CHECK(failed_dials == 0);
}

TEST_CASE("attack: the status CLI against a server announcing a 4 GiB record") {
  node_cluster c;
  c.start();
  auto honest = run_measured({bin, "status", c.nodes[0].address, "--network", c.network}, 5s);
  REQUIRE(honest.exit_code == 0);
  header_server server{0xffffffffu, 5s};
  auto r = run_measured({bin, "status", "127.0.0.1:" + std::to_string(server.port()), "--network", c.network}, 5s);
  std::printf("ATTACK | status CLI vs 4 GiB header | exit %d after %lld ms | CLI max RSS %llu kB "
              "(against a real node %llu kB) | %s",
              r.exit_code, static_cast<long long>(r.wall.count()), static_cast<unsigned long long>(r.max_rss_kb),
              static_cast<unsigned long long>(honest.max_rss_kb), r.err.c_str());
  std::fflush(stdout);
  CHECK(r.exit_code == 1);
  CHECK(occurrences(r.err, "\n") == 1);
  CHECK(r.err.find("4294967295") != std::string::npos);
  CHECK(r.wall < 3s); // its deadline is 2 s
  CHECK(r.max_rss_kb <= honest.max_rss_kb + rss_slack_kb);
  CHECK(server.client_closed());
}

// Each link may hold one partial record up to the frame cap (16 MiB) and any
// key can link, so without a node-wide bound memory would grow with the
// number of links. Large records under way share the node's reassembly
// budget (48 MiB): the links whose record does not fit are closed.
TEST_CASE("attack: partial records of the largest size on many links") {
  attacked_cluster a;
  constexpr std::size_t links = 8;
  const std::uint32_t largest = (16u << 20) + static_cast<std::uint32_t>(link::aead_overhead);
  std::vector<hand_link> held;
  bytes chunk(1u << 20);
  for (std::size_t i = 0; i < links; ++i) {
    auto key = secret_key::generate();
    auto l = linked_stranger(attacker_host(0), a.port, key, a.c.network);
    REQUIRE(l);
    REQUIRE(l->socket().send(header_of(largest)));
    // All but the last bytes: the record never completes. A refused link
    // breaks under the sends; that is the node's answer.
    for (std::size_t sent = 0; sent + chunk.size() < largest; sent += chunk.size())
      if (!l->socket().send(chunk))
        break;
    held.push_back(std::move(*l));
  }
  auto refused = [&] { return a.delta(a.status_json(), "mosaik.network.link.reassembly.refused"); };
  CHECK(eventually([&] { return refused() >= links - 2; }, 5s));
  auto rss_held = proc_kb(a.pid, "VmRSS");
  held.clear();
  a.survived("8 linked strangers, each 16 MiB of a record it never finishes",
             figures({{"reassembly.refused", refused()}}) + ", RSS while held " + std::to_string(rss_held) + " kB");
  CHECK(rss_held <= a.rss_before_kb + rss_slack_kb);
}
