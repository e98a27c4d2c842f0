// What crosses an established link: data frames reach the handler of their
// kind and channel; bad frames are dropped and counted, repeat offenders are
// banned; records that do not authenticate (replayed, reordered, altered)
// and frames before the handshake end the connection.
#include "schemas/codec/frame_codec.hpp"
#include "tests/support/sim_cluster.hpp"

using namespace mosaik;
using namespace std::chrono_literals;
using mosaik::test::raw_connection;
using mosaik::test::sim_cluster;
using wire::close_reason;
using wire::frame_kind;

namespace {

/// Node 0 with peers 1 and 2 linked; node 0 caps frames at 4 KiB and
/// records stream frames in `got`.
struct star : sim_cluster {
  std::vector<std::pair<peer_id, std::string>> got;
  std::vector<caf::actor> sinks;

  star(std::uint64_t seed) : sim_cluster(3, seed) {
    config(0).limits.max_bytes = 4096;
    bootstrap(1, 0);
    bootstrap(2, 0);
    start_all();
    REQUIRE(run_until([&] { return linked(0, 1) && linked(0, 2); }, 5s));
    listen_on(std::nullopt, "");
  }

  ~star() override {
    for (auto& s : sinks)
      caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
  }

  /// Registers a sink on node 0 for stream frames of `channel`; what it gets
  /// is recorded as `tag` + payload.
  void listen_on(const wire::channel& channel, std::string tag) {
    auto sink = (*this)[0].sys.spawn(
      [](caf::event_based_actor*, star* self, std::string tag) -> caf::behavior {
        return {[self, tag](const ::mosaik::node::frame_received& f) {
          self->got.emplace_back(f.from, tag + std::string(f.payload.begin(), f.payload.end()));
        }};
      },
      this, std::move(tag));
    caf::anon_send(node_actor(0), ::mosaik::node::register_handler{frame_kind::stream, channel, sink});
    sinks.push_back(sink);
    run_messages();
  }

  void say(std::size_t from, std::string text, const wire::channel& channel = std::nullopt) {
    caf::anon_send(node_actor(from), ::mosaik::node::send_frame{peer(0), frame_kind::stream, channel,
                                                                bytes(text.begin(), text.end())});
    run_messages();
  }

  std::uint64_t dropped(const std::string& cause) {
    return counter(0, "mosaik.network.link.frames.dropped", {{"cause", cause}});
  }
};

secret_key stranger_key(std::uint8_t fill) {
  secret_key::seed_type s;
  s.fill(fill);
  return secret_key::from_seed(s);
}

/// A peer of its own identity, linked to node 0 by a raw connection.
raw_connection linked_stranger(star& c, std::uint8_t fill) {
  auto r = c.open_raw(1, 0);
  REQUIRE(r.handshake(stranger_key(fill), "sim", fill));
  REQUIRE(c.state(0).links.count(stranger_key(fill).public_id()) == 1);
  return r;
}

wire::frame frame_of(std::uint16_t kind, std::size_t payload_size) {
  return {static_cast<frame_kind>(kind), 1, bytes(payload_size, 0x42), {}};
}

} // namespace

TEST_CASE("sim frames: data frames reach the handler of their kind with the sender") {
  star c{51};
  c.say(1, "from one");
  c.say(2, "from two");
  REQUIRE(c.got.size() == 2);
  CHECK(c.got[0] == std::make_pair(c.peer(1), std::string{"from one"}));
  CHECK(c.got[1] == std::make_pair(c.peer(2), std::string{"from two"}));
  // A kind nobody registered for is dropped and counted.
  caf::anon_send(c.node_actor(1), ::mosaik::node::send_frame{c.peer(0), frame_kind::group, {}, {1}});
  c.run_messages();
  CHECK(c.dropped("no_handler") == 1);
}

TEST_CASE("sim frames: a channel's handler gets its frames, the kind-wide handler the rest") {
  star c{57};
  auto a = digest::from("group-a");
  c.listen_on(a, "a:");
  c.say(1, "x", a);
  c.say(1, "y", digest::from("group-b"));
  c.say(2, "z");
  REQUIRE(c.got.size() == 3);
  CHECK(c.got[0].second == "a:x");
  CHECK(c.got[1].second == "y");
  CHECK(c.got[2].second == "z");
}

TEST_CASE("sim frames: garbage and unknown frames from a linked peer are dropped and counted") {
  star c{52};
  auto r = linked_stranger(c, 31);
  r.write(r.record_of(bytes(24, 0x7f)));
  r.write(r.record_of(bytes(13, 'x')));
  r.write_frame(frame_of(99, 4));
  CHECK(c.dropped("garbage") == 2);
  CHECK(c.dropped("unknown_kind") == 1);
  CHECK(c.got.empty());
  // Below the ban threshold the link stays, and good frames still flow.
  CHECK(c.state(0).links.count(stranger_key(31).public_id()) == 1);
  r.write_frame({frame_kind::stream, 2, bytes{'o', 'k'}, {}});
  c.say(2, "unaffected");
  REQUIRE(c.got.size() == 2);
  CHECK(c.got[0] == std::make_pair(stranger_key(31).public_id(), std::string{"ok"}));
}

TEST_CASE("sim frames: a record over the cap closes the connection before its body is read") {
  star c{58};
  auto r = linked_stranger(c, 32);
  // A header announcing 1 GiB: refused on the header alone.
  r.write({0x40, 0x00, 0x00, 0x00, 1, 2, 3});
  CHECK(c.dropped("oversized") == 1);
  CHECK(c.state(0).links.count(stranger_key(32).public_id()) == 0);
  CHECK(c.counter(0, "mosaik.network.link.closes.sent", {{"reason", "protocol_violation"}}) == 1);
  CHECK(c.linked(0, 1));
  CHECK(c.linked(0, 2));
}

TEST_CASE("sim frames: a peer that keeps sending garbage is disconnected and banned") {
  star c{53};
  auto r = linked_stranger(c, 33);
  for (int i = 0; i < 8; ++i)
    r.write(r.record_of(bytes(16, 0x01)));
  CHECK(c.counter(0, "mosaik.network.link.bans") == 1);
  CHECK(c.state(0).links.count(stranger_key(33).public_id()) == 0);
  CHECK(c.counter(0, "mosaik.network.link.closes.sent", {{"reason", "protocol_violation"}}) == 1);
  // Coming back is refused while the ban lasts (60 s).
  c.run(30s);
  auto again = c.open_raw(1, 0);
  CHECK_FALSE(again.handshake(stranger_key(33), "sim", 34));
  CHECK(c.counter(0, "mosaik.network.link.closes.sent", {{"reason", "banned"}}) == 1);
  // The other peers never noticed.
  CHECK(c.linked(0, 1));
  CHECK(c.linked(0, 2));
  CHECK(c.downs(0, 1) == 0);
  c.say(2, "hello");
  CHECK(c.got.size() == 1);
  // After the ban the peer may link again.
  c.run(31s);
  auto later = c.open_raw(1, 0);
  CHECK(later.handshake(stranger_key(33), "sim", 35));
}

TEST_CASE("sim frames: replayed, reordered and altered records end the link") {
  for (int attack = 0; attack < 3; ++attack) {
    CAPTURE(attack);
    star c{59};
    auto r = linked_stranger(c, 36);
    auto first = r.record_of(frame_of(static_cast<std::uint16_t>(frame_kind::stream), 3));
    auto second = r.record_of(frame_of(static_cast<std::uint16_t>(frame_kind::stream), 4));
    if (attack == 0) { // replayed
      r.write(first);
      r.write(first);
    } else if (attack == 1) { // reordered
      r.write(second);
    } else { // altered
      first.back() ^= 1;
      r.write(first);
    }
    CHECK(c.got.size() == (attack == 0 ? 1u : 0u));
    CHECK(c.state(0).links.count(stranger_key(36).public_id()) == 0);
    CHECK(c.dropped("unauthenticated") == 1);
    CHECK(c.counter(0, "mosaik.network.link.closes.sent", {{"reason", "protocol_violation"}}) == 1);
    CHECK(c.linked(0, 1));
  }
}

TEST_CASE("sim frames: frames before a handshake end the connection, unanswered") {
  sim_cluster c{2, 54};
  c.start(0);
  std::vector<bytes> attempts;
  for (auto kind : {frame_kind::stream, frame_kind::heartbeat, frame_kind::status}) {
    auto r = c.open_raw(1, 0);
    r.write_frame(frame_of(static_cast<std::uint16_t>(kind), 4));
    auto replies = r.read_frames();
    REQUIRE(replies.size() == 1);
    CHECK(replies[0].kind == frame_kind::close);
  }
  auto garbage = c.open_raw(1, 0);
  garbage.write(bytes{0, 0, 0, 16, 'g', 'g', 'g', 'g', 'g', 'g', 'g', 'g',
                      'g', 'g', 'g', 'g', 'g', 'g', 'g', 'g'});
  CHECK(c.counter(0, "mosaik.network.link.frames.dropped", {{"cause", "unauthenticated"}}) == 4);
  CHECK(c.state(0).links.empty());
  CHECK(c.state(0).conns.empty());
  // A message that is no command of the node's is dropped too (its typed
  // handle refuses to compile such a send; an untyped one gets it through).
  caf::anon_send(caf::actor_cast<caf::actor>(c.node_actor(0)), std::string{"not a frame"});
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
