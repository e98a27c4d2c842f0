// The link handshake between simulated nodes: success, typed refusals seen
// on both sides, forged and replayed handshakes.
#include "actors/core/link/handshake.hpp"
#include "schemas/codec/handshake_codec.hpp"
#include "tests/support/sim_cluster.hpp"

using namespace mosaik;
using namespace std::chrono_literals;
using mosaik::test::sim_cluster;
using wire::close_reason;
using wire::frame_kind;

namespace {

/// Closes node i sent / received with reason r.
std::uint64_t sent(sim_cluster& c, std::size_t i, close_reason r) {
  return c.counter(i, "mosaik.network.link.closes.sent", {{"reason", std::string{wire::to_string(r)}}});
}

std::uint64_t received(sim_cluster& c, std::size_t i, close_reason r) {
  return c.counter(i, "mosaik.network.link.closes.received", {{"reason", std::string{wire::to_string(r)}}});
}

/// A hand-driven dialer for raw-connection tests.
struct manual_dialer {
  secret_key key;
  link::handshake hs;
  link::replay_guard guard{16};

  manual_dialer(secret_key k, std::string_view network, std::uint8_t nonce_fill,
                wire::role role = wire::role::client)
    : key(std::move(k)),
      hs(link::side::dialer,
         link::local_identity{network_id::from(network), key.public_id(), {"rogue", 1}, role},
         filled(nonce_fill), filled(static_cast<std::uint8_t>(~nonce_fill))) {}

  static wire::nonce filled(std::uint8_t fill) {
    wire::nonce n;
    n.fill(fill);
    return n;
  }

  wire::frame hello() const { return {frame_kind::hello, 0, codec::encode_hello(hs.local_hello()), {}}; }
  wire::frame proof(const secret_key& signer) const {
    return {frame_kind::proof, 0, codec::encode_proof(hs.make_proof(signer)), {}};
  }
};

/// The node's hello in `replies`, taken in by `d`.
void take_hello(manual_dialer& d, const std::vector<wire::frame>& replies) {
  REQUIRE(replies.size() == 1);
  REQUIRE(replies[0].kind == frame_kind::hello);
  auto theirs = codec::decode_hello(replies[0].payload);
  REQUIRE(theirs);
  REQUIRE_FALSE(d.hs.receive_hello(*theirs, d.guard));
}

secret_key fresh_key(std::uint8_t fill) {
  secret_key::seed_type s;
  s.fill(fill);
  return secret_key::from_seed(s);
}

std::optional<wire::close> as_close(const wire::frame& f) {
  if (f.kind != frame_kind::close)
    return std::nullopt;
  auto c = codec::decode_close(f.payload);
  return c ? std::optional<wire::close>{*c} : std::nullopt;
}

} // namespace

TEST_CASE("sim handshake: two nodes link up and report each other") {
  sim_cluster c{2, 11};
  c.bootstrap(1, 0);
  c.start_all();
  REQUIRE(c.run_until([&] { return c.linked(0, 1) && c.linked(1, 0); }, 5s));
  CHECK(c.ups(0, 1) == 1);
  CHECK(c.ups(1, 0) == 1);
  auto s = c.status(1);
  REQUIRE(s.peers.size() == 1);
  CHECK(s.peers[0].peer == c.peer(0));
  CHECK(s.peers[0].address == c.address(0));
  CHECK(s.network == network_id::from("sim"));
  CHECK(c.state(0).conns.size() == 1); // the link's, no handshake left over
  // Heartbeats give an RTT sample after a few intervals.
  c.run(3s);
  CHECK(c.linked(0, 1));
  CHECK(c.state(1).links.at(c.peer(0)).rtt.has_sample());
}

TEST_CASE("sim handshake: a different network is refused, seen on both sides") {
  sim_cluster c{2, 12};
  c.config(1).network = "other";
  c.bootstrap(1, 0);
  c.start_all();
  c.run(3s);
  CHECK_FALSE(c.linked(0, 1));
  CHECK_FALSE(c.linked(1, 0));
  CHECK(sent(c, 0, close_reason::different_network) >= 1);
  CHECK(received(c, 1, close_reason::different_network) >= 1);
  CHECK(c.state(0).links.empty());
  CHECK(c.state(0).conns.empty());
  CHECK(c.events(0).empty());
}

TEST_CASE("sim handshake: a protocol version out of range is refused") {
  sim_cluster c{2, 13};
  c.config(1).link.version = link::protocol_version + 1;
  c.config(1).link.min_version = link::protocol_version + 1;
  c.bootstrap(1, 0);
  c.start_all();
  c.run(2s);
  CHECK_FALSE(c.linked(1, 0));
  CHECK(sent(c, 0, close_reason::version_mismatch) >= 1);
  CHECK(received(c, 1, close_reason::version_mismatch) >= 1);
}

TEST_CASE("sim handshake: dialling oneself is refused and not retried") {
  sim_cluster c{1, 14};
  c.bootstrap(0, 0, false);
  c.start_all();
  c.run(5s);
  CHECK(c.state(0).links.empty());
  CHECK(sent(c, 0, close_reason::self_connection) == 1);
  CHECK(received(c, 0, close_reason::self_connection) == 1);
  CHECK(c.state(0).dials.empty());
}

TEST_CASE("sim handshake: a forged proof is refused as an invalid signature") {
  sim_cluster c{2, 15};
  c.start(0);
  auto r = c.open_raw(1, 0);
  // Mallory claims the identity `victim` but signs with her own key.
  manual_dialer victim{fresh_key(7), "sim", 1, wire::role::node};
  auto mallory = fresh_key(8);
  r.write_frame(victim.hello());
  take_hello(victim, r.read_frames());
  r.write_frame(victim.proof(mallory));
  auto replies = r.read_frames();
  REQUIRE(replies.size() == 1);
  auto closed = as_close(replies[0]);
  REQUIRE(closed);
  CHECK(closed->reason == close_reason::invalid_signature);
  CHECK(sent(c, 0, close_reason::invalid_signature) == 1);
  CHECK(c.state(0).links.empty());
  CHECK(c.state(0).conns.empty());
}

TEST_CASE("sim handshake: a hello naming a linked peer leaves its link alone until a proof") {
  sim_cluster c{2, 19};
  c.bootstrap(1, 0);
  c.start_all();
  REQUIRE(c.run_until([&] { return c.linked(0, 1) && c.linked(1, 0); }, 5s));
  // Anyone can copy node 1's public hello fields; only node 1 can sign.
  auto r = c.open_raw(1, 0);
  manual_dialer impostor{c.key(1), "sim", 2, wire::role::node};
  r.write_frame(impostor.hello());
  take_hello(impostor, r.read_frames());
  CHECK(c.linked(0, 1));
  r.write_frame(impostor.proof(fresh_key(9)));
  auto replies = r.read_frames();
  REQUIRE(replies.size() == 1);
  CHECK(as_close(replies[0])->reason == close_reason::invalid_signature);
  CHECK(c.linked(0, 1));
  CHECK(c.downs(0, 1) == 0);
  c.run(5s);
  CHECK(c.linked(0, 1));
  CHECK(c.downs(0, 1) == 0);
}

TEST_CASE("sim handshake: a replayed hello is refused as stale, a proof out of turn as a violation") {
  sim_cluster c{2, 16};
  c.start(0);
  manual_dialer client{fresh_key(9), "sim", 3};
  auto first = c.open_raw(1, 0);
  first.write_frame(client.hello());
  take_hello(client, first.read_frames(1));
  auto recorded_proof = client.proof(client.key);
  first.write_frame(recorded_proof);
  auto replies = first.read_frames(1);
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].kind == frame_kind::proof); // a genuine client passes
  // Replaying the recorded hello on a new connection: its nonce is known.
  auto replay = c.open_raw(1, 0);
  replay.write_frame(client.hello());
  replies = replay.read_frames();
  REQUIRE(replies.size() == 1);
  CHECK(as_close(replies[0])->reason == close_reason::stale_proof);
  // A proof without a hello before it is out of turn.
  auto orphan = c.open_raw(1, 0);
  orphan.write_frame(recorded_proof);
  replies = orphan.read_frames();
  REQUIRE(replies.size() == 1);
  CHECK(as_close(replies[0])->reason == close_reason::protocol_violation);
  CHECK(sent(c, 0, close_reason::stale_proof) == 1);
}

TEST_CASE("sim handshake: a dialler that never proves itself times out") {
  sim_cluster c{2, 17};
  c.start(0);
  auto r = c.open_raw(1, 0);
  manual_dialer slow{fresh_key(10), "sim", 4, wire::role::node};
  r.write_frame(slow.hello());
  CHECK(c.state(0).conns.size() == 1);
  c.run(1900ms);
  CHECK(c.state(0).conns.size() == 1);
  c.run(200ms);
  CHECK(c.state(0).conns.empty());
  CHECK(sent(c, 0, close_reason::handshake_timeout) == 1);
  CHECK(c.state(0).links.empty());
}

TEST_CASE("sim handshake: a connection that says nothing is closed at the deadline") {
  sim_cluster c{2, 20};
  c.start(0);
  auto silent = c.open_raw(1, 0);
  auto drip = c.open_raw(1, 0);
  drip.write({0, 0});
  CHECK(c.state(0).conns.size() == 2);
  c.run(2100ms);
  CHECK(c.state(0).conns.empty());
  CHECK(sent(c, 0, close_reason::handshake_timeout) == 2);
}

TEST_CASE("sim handshake: dialling the wrong peer id is refused by the dialler") {
  sim_cluster c{3, 18};
  link::peer_address wrong{c.peer(2), c.address(0)};
  c.config(1).bootstrap.push_back(wrong);
  c.connectable(1, 0);
  c.start(0);
  c.start(1);
  c.run(1s);
  CHECK_FALSE(c.linked(1, 0));
  CHECK(sent(c, 1, close_reason::unexpected_peer) >= 1);
  CHECK(received(c, 0, close_reason::unexpected_peer) >= 1);
}
