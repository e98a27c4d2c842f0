// Links when nodes crash and restart: failure detection by connection loss
// and by heartbeat budget, re-linking of a restarted node, and a seeded
// crash/restart loop. Simulated time only.
#include "tests/support/sim_cluster.hpp"

using namespace mosaik;
using namespace std::chrono_literals;
using mosaik::test::sim_cluster;
using crash_mode = sim_cluster::crash_mode;
using wire::close_reason;

namespace {

/// n nodes, node i bootstrapping from every node below it, linked in a mesh.
struct mesh : sim_cluster {
  mesh(std::size_t n, std::uint64_t seed) : sim_cluster(n, seed) {
    for (std::size_t i = 1; i < n; ++i)
      for (std::size_t j = 0; j < i; ++j)
        bootstrap(i, j, j % 2 == 0);
    start_all();
    REQUIRE(run_until([&] { return full_mesh(); }, 10s));
  }

  /// Node i's link events about node j, in order.
  std::vector<::mosaik::node::link_event> events_about(std::size_t i, std::size_t j) const {
    std::vector<::mosaik::node::link_event> out;
    for (const auto& e : events(i))
      if (e.peer == peer(j))
        out.push_back(e);
    return out;
  }

  bool nobody_linked_to(std::size_t dead) {
    for (std::size_t j = 0; j < size(); ++j)
      if (j != dead && linked(j, dead))
        return false;
    return true;
  }
};

} // namespace

TEST_CASE("sim crash: a reset crash is seen by every peer at once, without a departure") {
  mesh c{4, 51};
  c.crash(2, crash_mode::reset);
  CHECK_FALSE(c.started(2));
  for (std::size_t j : {0u, 1u, 3u}) {
    CHECK_FALSE(c.linked(j, 2));
    auto ev = c.events_about(j, 2);
    REQUIRE(ev.size() == 2);
    CHECK(ev[0].up);
    CHECK_FALSE(ev[1].up);
    CHECK(ev[1].reason == close_reason::connection_lost);
    CHECK(c.counter(j, "mosaik.network.link.closes.received", {{"reason", "departing"}}) == 0);
    CHECK(c.link_count(j) == 2);
  }
  // Its port is closed: the peers' re-dials fail and the rest of the mesh holds.
  c.run(5s);
  for (std::size_t j : {0u, 1u, 3u}) {
    CHECK(c.counter(j, "mosaik.network.link.dials.failed") > 0);
    CHECK(c.link_count(j) == 2);
  }
  CHECK(c.full_mesh());
}

TEST_CASE("sim crash: a silent crash is declared dead by every peer within the heartbeat budget") {
  mesh c{4, 52};
  const auto& link = c.config(0).link;
  auto start = c.now();
  c.crash(1, crash_mode::silent);
  // Still linked right after: nothing told the peers.
  for (std::size_t j : {0u, 2u, 3u})
    CHECK(c.linked(j, 1));
  constexpr auto tick = 10ms;
  REQUIRE(c.run_until([&] { return c.nobody_linked_to(1); }, 10s, tick));
  auto took = c.now() - start;
  // A link dies after `budget` silent heartbeat intervals, counted from the
  // last frame heard, which was less than one interval before the crash.
  CHECK(took >= link.heartbeat_interval * (link.heartbeat_miss_budget - 1));
  CHECK(took <= link.heartbeat_interval * (link.heartbeat_miss_budget + 1) + tick);
  for (std::size_t j : {0u, 2u, 3u}) {
    auto ev = c.events_about(j, 1);
    REQUIRE(ev.size() == 2);
    CHECK_FALSE(ev[1].up);
    CHECK(ev[1].reason == close_reason::heartbeat_timeout);
    CHECK(c.counter(j, "mosaik.network.link.closes.sent", {{"reason", "heartbeat_timeout"}}) == 1);
  }
  // Dials into the silence time out and the survivors stay a mesh.
  c.run(10s);
  CHECK(c.full_mesh());
  CHECK(c.counter(0, "mosaik.network.link.dials.failed") > 0);
}

TEST_CASE("sim crash: a restarted node re-links with all its peers, events show down then up") {
  mesh c{4, 53};
  c.crash(1);
  c.run(3s);
  c.restart(1);
  CHECK(c.incarnation(1) == 1);
  REQUIRE(c.run_until([&] { return c.full_mesh(); }, 30s));
  for (std::size_t j : {0u, 2u, 3u}) {
    auto ev = c.events_about(j, 1);
    REQUIRE(ev.size() == 3);
    CHECK(ev[0].up);
    CHECK_FALSE(ev[1].up);
    CHECK(ev[1].reason == close_reason::connection_lost);
    CHECK(ev[2].up);
    CHECK(ev[2].address == c.address(1));
    // The restarted node saw each peer come up once per life and never down:
    // its first life ended without a word.
    CHECK(c.ups(1, j) == 2);
    CHECK(c.downs(1, j) == 0);
  }
  // Same key and address, fresh state.
  auto st = c.status(1);
  CHECK(st.peer == c.peer(1));
  CHECK(st.listen_address == c.address(1));
  CHECK(st.peers.size() == 3);
  CHECK(c.counter(1, "mosaik.network.connections.opened") == 3);
  CHECK(st.uptime_ms < 30'000);
  c.run(5s);
  CHECK(c.full_mesh());
  CHECK(c.ups(0, 1) == 2);
}

TEST_CASE("sim crash: a node restarted before its peers noticed the silence takes over its links") {
  mesh c{4, 54};
  c.crash(2, crash_mode::silent);
  c.run(1s);
  CHECK(c.linked(0, 2)); // within the budget: the peers still hold the old links
  c.restart(2);
  REQUIRE(c.run_until([&] { return c.full_mesh(); }, 30s));
  for (std::size_t j : {0u, 1u, 3u}) {
    auto ev = c.events_about(j, 2);
    REQUIRE(ev.size() == 3);
    CHECK(ev[0].up);
    CHECK_FALSE(ev[1].up);
    CHECK(ev[2].up);
    CHECK(c.link_count(j) == 3);
  }
}

TEST_CASE("sim crash: a stopped node can be restarted") {
  mesh c{3, 55};
  c.stop(2);
  CHECK(c.events_about(0, 2).back().reason == close_reason::departing);
  c.restart(2);
  REQUIRE(c.run_until([&] { return c.full_mesh(); }, 30s));
  CHECK(c.ups(0, 2) == 2);
  CHECK(c.ups(1, 2) == 2);
}

TEST_CASE("sim crash: a seeded crash/restart loop of a 5-node mesh always ends in a full mesh") {
  constexpr std::size_t n = 5;
  auto run_loop = [](std::uint64_t seed) {
    INFO("seed " << seed);
    mesh c{n, seed};
    std::mt19937_64 rng{seed};
    auto pick = [&](std::size_t below) { return static_cast<std::size_t>(rng() % below); };
    auto some_time = [&](int max_ms) { return std::chrono::milliseconds{pick(static_cast<std::size_t>(max_ms))}; };
    for (int round = 0; round < 8; ++round) {
      std::vector<std::size_t> victims{pick(n)};
      if (pick(3) == 0) // sometimes two at once
        victims.push_back((victims[0] + 1 + pick(n - 1)) % n);
      for (auto v : victims)
        c.crash(v, pick(2) == 0 ? crash_mode::reset : crash_mode::silent);
      c.run(some_time(5000));
      for (auto v : victims)
        c.restart(v);
      c.run(some_time(3000)); // the next crash may come before the mesh healed
    }
    REQUIRE(c.run_until([&] { return c.full_mesh(); }, 60s));
    c.run(5s);
    CHECK(c.full_mesh());
    std::vector<std::size_t> trace;
    for (std::size_t i = 0; i < n; ++i) {
      CHECK(c.link_count(i) == n - 1);
      CHECK(c.status(i).peers.size() == n - 1);
      for (std::size_t j = 0; j < n; ++j)
        trace.push_back(c.ups(i, j) * 1000 + c.downs(i, j));
      trace.push_back(c.incarnation(i));
    }
    return trace;
  };
  // Seeds 1000-1399 passed too when this was written (about 11 s).
  for (std::uint64_t seed = 61; seed < 69; ++seed)
    run_loop(seed);
  // Seeded: the same seed replays the same run.
  CHECK(run_loop(61) == run_loop(61));
}
