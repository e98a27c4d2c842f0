// What crosses an established link: data frames reach their handler; bad
// frames are dropped and counted, repeat offenders are banned; frames from
// CAF nodes that are not authenticated peers are dropped.
#include "actors/transport/frame_msg.hpp"
#include "schemas/codec/frame_codec.hpp"
#include "tests/support/sim_cluster.hpp"

using namespace mosaik;
using namespace std::chrono_literals;
using mosaik::test::sim_cluster;
using wire::close_reason;
using wire::frame_kind;

namespace {

/// Node 0 with peers 1 and 2 linked; node 0 caps frames at 4 KiB and
/// records stream frames in `got`.
struct star : sim_cluster {
  std::vector<std::pair<peer_id, std::string>> got;
  caf::actor sink;

  star(std::uint64_t seed) : sim_cluster(3, seed) {
    config(0).limits.max_bytes = 4096;
    bootstrap(1, 0);
    bootstrap(2, 0);
    start_all();
    REQUIRE(run_until([&] { return linked(0, 1) && linked(0, 2); }, 5s));
    sink = (*this)[0].sys.spawn(
      [](caf::event_based_actor*, star* self) -> caf::behavior {
        return {[self](const ::mosaik::node::frame_received& f) {
          self->got.emplace_back(f.from, std::string(f.payload.begin(), f.payload.end()));
        }};
      },
      this);
    caf::anon_send(node_actor(0), ::mosaik::node::register_handler{frame_kind::stream, sink});
    run_messages();
  }

  ~star() override { caf::anon_send_exit(sink, caf::exit_reason::user_shutdown); }

  /// Node `from`'s proxy for node 0's ingress (the one its link uses).
  caf::actor ingress_on(std::size_t from) {
    return caf::actor_cast<caf::actor>(state(from).links.at(peer(0)).remote);
  }

  void say(std::size_t from, std::string text) {
    caf::anon_send(node_actor(from), ::mosaik::node::send_frame{peer(0), frame_kind::stream,
                                                                bytes(text.begin(), text.end())});
    run_messages();
  }
};

wire::frame frame_of(std::uint16_t kind, std::size_t payload_size) {
  return {static_cast<frame_kind>(kind), 1, bytes(payload_size, 0x42)};
}

} // namespace

TEST_CASE("sim frames: data frames reach the handler of their kind with the sender") {
  star c{51};
  c.say(1, "from one");
  c.say(2, "from two");
  REQUIRE(c.got.size() == 2);
  CHECK(c.got[0] == std::make_pair(c.peer(1), std::string{"from one"}));
  CHECK(c.got[1] == std::make_pair(c.peer(2), std::string{"from two"}));
  // No handler for group frames: dropped and counted.
  caf::anon_send(c.node_actor(1), ::mosaik::node::send_frame{c.peer(0), frame_kind::group, {1}});
  c.run_messages();
  CHECK(c.counter(0, "mosaik.network.link.frames.dropped", {{"cause", "no_handler"}}) == 1);
}

TEST_CASE("sim frames: garbage, oversized and unknown frames are dropped and counted") {
  star c{52};
  auto r = c.spawn_rogue(1);
  auto ingress = c.ingress_on(1);
  c.rogue_send_raw(r, ingress, std::vector<char>(24, '\x7f'));
  c.rogue_send_raw(r, ingress, std::vector<char>(13, 'x'));
  c.rogue_send(r, ingress, frame_of(static_cast<std::uint16_t>(frame_kind::stream), 8192));
  c.rogue_send(r, ingress, frame_of(99, 4));
  CHECK(c.counter(0, "mosaik.network.link.frames.dropped", {{"cause", "garbage"}}) == 2);
  CHECK(c.counter(0, "mosaik.network.link.frames.dropped", {{"cause", "oversized"}}) == 1);
  CHECK(c.counter(0, "mosaik.network.link.frames.dropped", {{"cause", "unknown_kind"}}) == 1);
  CHECK(c.got.empty());
  // Below the ban threshold the link stays, and good frames still flow.
  CHECK(c.linked(0, 1));
  c.say(1, "still fine");
  c.say(2, "unaffected");
  CHECK(c.got.size() == 2);
}

TEST_CASE("sim frames: a peer that keeps sending garbage is disconnected and banned") {
  star c{53};
  auto r = c.spawn_rogue(1);
  auto ingress = c.ingress_on(1);
  for (int i = 0; i < 8; ++i)
    c.rogue_send_raw(r, ingress, std::vector<char>(16, '\x01'));
  CHECK(c.counter(0, "mosaik.network.link.bans") == 1);
  CHECK_FALSE(c.linked(0, 1));
  REQUIRE(c.downs(0, 1) == 1);
  CHECK(c.counter(0, "mosaik.network.link.closes.sent", {{"reason", "protocol_violation"}}) == 1);
  CHECK(c.counter(1, "mosaik.network.link.closes.received", {{"reason", "protocol_violation"}}) == 1);
  // Node 1 re-dials and is refused while the ban lasts (60 s).
  c.run(30s);
  CHECK_FALSE(c.linked(0, 1));
  CHECK(c.counter(0, "mosaik.network.link.closes.sent", {{"reason", "banned"}}) >= 1);
  CHECK(c.counter(1, "mosaik.network.link.closes.received", {{"reason", "banned"}}) >= 1);
  // The other peer never noticed.
  CHECK(c.linked(0, 2));
  CHECK(c.downs(0, 2) == 0);
  c.say(2, "hello");
  CHECK(c.got.size() == 1);
  // After the ban the peer may link again.
  REQUIRE(c.run_until([&] { return c.linked(0, 1); }, 90s));
}

TEST_CASE("sim frames: frames from a CAF node that is not an authenticated peer are dropped") {
  sim_cluster c{2, 54};
  c.start(0);
  auto ingress = c.ingress_proxy(1, 0);
  auto r = c.spawn_rogue(1);
  c.rogue_send(r, ingress, frame_of(static_cast<std::uint16_t>(frame_kind::stream), 4));
  c.rogue_send(r, ingress, frame_of(static_cast<std::uint16_t>(frame_kind::heartbeat), 0));
  c.rogue_send_raw(r, ingress, std::vector<char>(16, 'g'));
  CHECK(c.counter(0, "mosaik.network.link.frames.dropped", {{"cause", "unauthenticated"}}) == 3);
  CHECK(c.state(0).links.empty());
  CHECK(c.state(0).accepting.empty());
  // Anything that is not a frame is dropped too.
  caf::anon_send(ingress, std::string{"not a frame"});
  c.run_messages();
  CHECK(c.counter(0, "mosaik.network.link.messages.dropped", {{"cause", "unexpected"}}) == 1);
}

TEST_CASE("sim frames: heartbeats measure a round-trip time per peer") {
  star c{55};
  c.run(5s);
  for (std::size_t p : {1u, 2u}) {
    const auto& l = c.state(0).links.at(c.peer(p));
    CHECK(l.rtt.has_sample());
    CHECK(l.pings.size() <= 4);
  }
  auto s = c.status(0);
  CHECK(s.peers.size() == 2);
  CHECK(s.uptime_ms >= 5000);
}

TEST_CASE("sim frames: frames sent straight to a peer's ingress arrive like routed ones") {
  star c{56};
  auto& n1 = c[1];
  auto ask = [&](const peer_id& p) {
    caf::actor ingress;
    n1.sched.after_next_enqueue([&] { c.run_messages(); });
    n1.self->request(c.node_actor(1), caf::infinite, ::mosaik::node::get_link{p})
      .receive([&](const ::mosaik::node::link_info& li) { ingress = li.ingress; },
               [](caf::error&) {});
    return ingress;
  };
  auto ingress = ask(c.peer(0));
  REQUIRE(ingress);
  std::string text = "direct";
  n1.self->send(ingress, transport::to_msg({frame_kind::stream, 0, bytes(text.begin(), text.end())}));
  c.run_messages();
  REQUIRE(c.got.size() == 1);
  CHECK(c.got[0] == std::make_pair(c.peer(1), text));
  secret_key::seed_type s{};
  CHECK_FALSE(ask(secret_key::from_seed(s).public_id())); // not linked: an error
}
