// Links under faults: partitions, heartbeat budget, loss, flapping, resets,
// simultaneous dials, departure, and a 10-node mesh. Simulated time only.
#include "tests/support/sim_cluster.hpp"

using namespace mosaik;
using namespace std::chrono_literals;
using mosaik::test::sim_cluster;
using wire::close_reason;

namespace {

struct two_linked : sim_cluster {
  two_linked(std::uint64_t seed, bool discovery = true) : sim_cluster(2, seed) {
    if (!discovery)
      for (std::size_t i = 0; i < 2; ++i)
        config(i).discovery.reset();
    bootstrap(1, 0);
    start_all();
    REQUIRE(run_until([&] { return linked(0, 1) && linked(1, 0); }, 5s));
  }

  node_t& n(std::size_t i) { return (*this)[i]; }

  const ::mosaik::node::link_event& last_event(std::size_t i) { return events(i).back(); }
};

} // namespace

TEST_CASE("sim faults: a partition kills the link after its heartbeat budget, heal reconnects") {
  two_linked c{21};
  c.partition(c.n(0), c.n(1));
  // Budget: 3 silent intervals of 1 s. Not dead after 2.5 s ...
  c.run(2500ms);
  CHECK(c.linked(0, 1));
  CHECK(c.linked(1, 0));
  // ... dead by 4.5 s, on both sides, with the typed reason.
  c.run(2s);
  CHECK_FALSE(c.linked(0, 1));
  CHECK_FALSE(c.linked(1, 0));
  REQUIRE(c.downs(0, 1) == 1);
  CHECK(c.last_event(0).reason == close_reason::heartbeat_timeout);
  CHECK(c.last_event(1).reason == close_reason::heartbeat_timeout);
  CHECK(c.counter(0, "mosaik.network.link.closes.sent", {{"reason", "heartbeat_timeout"}}) == 1);
  c.heal(c.n(0), c.n(1));
  REQUIRE(c.run_until([&] { return c.linked(0, 1) && c.linked(1, 0); }, 40s));
  CHECK(c.ups(0, 1) == 2);
  CHECK(c.ups(1, 0) == 2);
  CHECK(c.link_count(0) == 1);
  // It stays up afterwards.
  c.run(5s);
  CHECK(c.linked(0, 1));
  CHECK(c.downs(0, 1) == 1);
}

namespace {

/// Records the stream frames node 1 receives.
struct stream_sink {
  std::vector<std::string> got;
  caf::actor actor;

  explicit stream_sink(two_linked& c) {
    actor = c.n(1).sys.spawn(
      [](caf::event_based_actor*, std::vector<std::string>* got) -> caf::behavior {
        return {[got](const ::mosaik::node::frame_received& f) {
          got->emplace_back(f.payload.begin(), f.payload.end());
        }};
      },
      &got);
    caf::anon_send(c.node_actor(1), ::mosaik::node::register_handler{wire::frame_kind::stream, {}, actor});
  }
  ~stream_sink() { caf::anon_send_exit(actor, caf::exit_reason::user_shutdown); }
};

void send_text(two_linked& c, std::string text) {
  caf::anon_send(c.node_actor(0), ::mosaik::node::send_frame{c.peer(1), wire::frame_kind::stream, {},
                                                             bytes(text.begin(), text.end())});
}

} // namespace

TEST_CASE("sim faults: a stall within the budget keeps the link and loses nothing") {
  two_linked c{22};
  stream_sink sink{c};
  send_text(c, "before");
  c.run_messages();
  c.partition(c.n(0), c.n(1));
  send_text(c, "held-1");
  send_text(c, "held-2");
  c.run(1500ms);
  c.heal(c.n(0), c.n(1));
  send_text(c, "after");
  c.run(3s);
  CHECK(sink.got == std::vector<std::string>{"before", "held-1", "held-2", "after"});
  CHECK(c.linked(0, 1));
  CHECK(c.downs(0, 1) == 0);
  CHECK(c.downs(1, 0) == 0);
}

TEST_CASE("sim faults: records lost inside a connection end the link, which comes back") {
  two_linked c{23};
  stream_sink sink{c};
  send_text(c, "before");
  c.run_messages();
  c.partition(c.n(0), c.n(1));
  send_text(c, "lost");
  c.run_messages();
  // TCP never loses bytes without a reset; a gap means tampering, and the
  // next record does not authenticate.
  CHECK(c.drop_in_flight(c.n(0), c.n(1)) > 0);
  c.heal(c.n(0), c.n(1));
  send_text(c, "next");
  c.run_messages();
  CHECK(c.counter(1, "mosaik.network.link.frames.dropped", {{"cause", "unauthenticated"}}) == 1);
  REQUIRE(c.run_until([&] { return c.linked(0, 1) && c.linked(1, 0); }, 10s));
  send_text(c, "again");
  c.run_messages();
  CHECK(sink.got == std::vector<std::string>{"before", "again"});
}

TEST_CASE("sim faults: a flapping link ends up as one link with balanced events") {
  two_linked c{23};
  for (int round = 0; round < 3; ++round) {
    c.partition(c.n(0), c.n(1));
    REQUIRE(c.run_until([&] { return !c.linked(0, 1) && !c.linked(1, 0); }, 10s));
    c.heal(c.n(0), c.n(1));
    REQUIRE(c.run_until([&] { return c.linked(0, 1) && c.linked(1, 0); }, 60s));
  }
  for (std::size_t i : {0u, 1u}) {
    const auto& ev = c.events(i);
    REQUIRE(ev.size() == 7);
    for (std::size_t k = 0; k < ev.size(); ++k)
      CHECK(ev[k].up == (k % 2 == 0));
    CHECK(c.link_count(i) == 1);
  }
}

TEST_CASE("sim faults: a connection reset is noticed at once and reconnected") {
  two_linked c{24};
  c.disconnect(c.n(0), c.n(1));
  // Both sides saw the reset without waiting for heartbeats ...
  for (std::size_t i : {0u, 1u}) {
    REQUIRE(c.downs(i, 1 - i) == 1);
    REQUIRE(c.events(i).size() >= 2);
    CHECK_FALSE(c.events(i)[1].up);
    CHECK(c.events(i)[1].reason == close_reason::connection_lost);
  }
  // ... and the former acceptor dialled back over a fresh connection.
  REQUIRE(c.run_until([&] { return c.linked(0, 1) && c.linked(1, 0); }, 30s));
  CHECK(c.ups(0, 1) == 2);
  CHECK(c.link_count(0) == 1);
  CHECK(c.link_count(1) == 1);
}

TEST_CASE("sim faults: simultaneous dials leave exactly one link") {
  std::uint64_t crossed = 0;
  for (std::uint64_t seed = 31; seed < 37; ++seed) {
    sim_cluster c{2, seed};
    c.bootstrap(0, 1);
    c.bootstrap(1, 0);
    c.start_all_at_once(seed);
    REQUIRE(c.run_until([&] { return c.linked(0, 1) && c.linked(1, 0); }, 10s));
    c.run(3s);
    CHECK(c.ups(0, 1) == 1);
    CHECK(c.ups(1, 0) == 1);
    CHECK(c.downs(0, 1) == 0);
    CHECK(c.link_count(0) == 1);
    CHECK(c.link_count(1) == 1);
  }
  // Force the crossing: two dials started in the same step have their
  // hellos in flight together.
  for (std::uint64_t seed = 41; seed < 45; ++seed) {
    sim_cluster c{2, seed};
    c.start(0);
    c.start(1);
    caf::anon_send(c.node_actor(0), ::mosaik::node::dial{{c.peer(1), c.address(1)}});
    caf::anon_send(c.node_actor(1), ::mosaik::node::dial{{c.peer(0), c.address(0)}});
    std::mt19937 rng{static_cast<std::mt19937::result_type>(seed)};
    c.run_messages_shuffled(rng);
    REQUIRE(c.run_until([&] { return c.linked(0, 1) && c.linked(1, 0); }, 10s));
    c.run(3s);
    CHECK(c.ups(0, 1) == 1);
    CHECK(c.ups(1, 0) == 1);
    CHECK(c.link_count(0) == 1);
    CHECK(c.link_count(1) == 1);
    // The smaller peer id refused the other's hello (or the other found the
    // link up when the answer to its own came); each saw every refusal.
    auto closes = [&](std::size_t i, const char* dir) {
      return c.counter(i, std::string{"mosaik.network.link.closes."} + dir, {{"reason", "already_connected"}});
    };
    auto small = c.peer(0) < c.peer(1) ? 0u : 1u;
    CHECK(closes(small, "sent") == closes(1 - small, "received"));
    CHECK(closes(1 - small, "sent") == closes(small, "received"));
    crossed += closes(small, "sent");
  }
  CHECK(crossed > 0);
}

TEST_CASE("sim faults: a departing node is dropped at once and not re-dialled") {
  sim_cluster c{3, 25};
  c.bootstrap(1, 0);
  c.bootstrap(2, 0);
  c.start_all();
  REQUIRE(c.run_until([&] { return c.linked(0, 1) && c.linked(0, 2); }, 5s));
  c.stop(1);
  CHECK_FALSE(c.linked(0, 1));
  REQUIRE(c.downs(0, 1) == 1);
  CHECK(c.events(0).back().reason == close_reason::departing);
  CHECK(c.counter(0, "mosaik.network.link.closes.received", {{"reason", "departing"}}) == 1);
  CHECK(c.linked(0, 2));
  c.run(10s);
  CHECK(c.ups(0, 1) == 1);
  CHECK(c.state(0).dials.empty());
}

TEST_CASE("sim faults: a 10-node mesh forms from pairwise bootstraps") {
  constexpr std::size_t n = 10;
  sim_cluster c{n, 26};
  for (std::size_t i = 1; i < n; ++i)
    for (std::size_t j = 0; j < i; ++j)
      c.bootstrap(i, j, j % 2 == 0); // some with the peer id, some without
  c.start_all();
  REQUIRE(c.run_until([&] { return c.full_mesh(); }, 10s));
  for (std::size_t i = 0; i < n; ++i) {
    CHECK(c.link_count(i) == n - 1);
    CHECK(c.status(i).peers.size() == n - 1);
  }
  c.run(3s);
  CHECK(c.full_mesh());
}

TEST_CASE("sim faults: the same seed replays the same run") {
  auto run_once = [](std::uint64_t seed) {
    sim_cluster c{4, seed};
    for (std::size_t i = 1; i < 4; ++i)
      for (std::size_t j = 0; j < i; ++j)
        c.bootstrap(i, j);
    c.start_all();
    c.run(2s);
    c.partition(c[1], c[2]);
    c.run(6s);
    c.heal(c[1], c[2]);
    c.run(20s);
    std::vector<std::uint64_t> trace;
    for (std::size_t i = 0; i < 4; ++i)
      for (const auto& m : c.state(i).metrics->snapshot())
        trace.push_back(static_cast<std::uint64_t>(m.value));
    return trace;
  };
  auto a = run_once(41);
  CHECK(a == run_once(41));
  CHECK_FALSE(a.empty());
}

// Peer hints are the link layer's own way to mesh, used when discovery is off.
TEST_CASE("sim faults: nodes that bootstrap from one peer link to each other via peer hints") {
  sim_cluster c{5, 27};
  for (std::size_t i = 0; i < 5; ++i)
    c.config(i).discovery.reset();
  for (std::size_t i = 1; i < 5; ++i)
    c.bootstrap(i, 0, false);
  c.start_all();
  REQUIRE(c.run_until([&] { return c.full_mesh(); }, 10s));
  for (std::size_t i = 0; i < 5; ++i)
    CHECK(c.link_count(i) == 4);
  // With hints off, the star stays a star.
  sim_cluster star{3, 28};
  for (std::size_t i : {0u, 1u, 2u}) {
    star.config(i).discovery.reset();
    star.config(i).link.share_peers = false;
  }
  star.bootstrap(1, 0);
  star.bootstrap(2, 0);
  star.start_all();
  star.run(5s);
  CHECK(star.linked(1, 0));
  CHECK_FALSE(star.linked(1, 2));
}

TEST_CASE("sim faults: a lost peer is re-dialled for a while, a bootstrap address for ever") {
  two_linked c{29, false}; // discovery would dial the lost peer too
  c.isolate(c.n(1));
  REQUIRE(c.run_until([&] { return !c.linked(0, 1) && !c.linked(1, 0); }, 10s));
  CHECK(c.state(0).dials.size() == 1); // node 0 learned node 1's address from its hello
  c.run(150s, 100ms);
  CHECK(c.state(0).dials.empty());
  CHECK(c.counter(0, "mosaik.network.link.dials.given_up") == 1);
  REQUIRE(c.state(1).dials.size() == 1); // node 1's bootstrap entry stays
  CHECK(c.state(1).dials.entries().begin()->second.persistent);
  // Healing lets the bootstrap dial through.
  c.rejoin(c.n(1));
  REQUIRE(c.run_until([&] { return c.linked(0, 1) && c.linked(1, 0); }, 60s));
}
