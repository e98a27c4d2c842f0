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

/// A hand-driven dialer for rogue tests.
struct manual_dialer {
  secret_key key;
  link::handshake hs;
  link::replay_guard guard{16};

  manual_dialer(secret_key k, std::string_view network, std::uint8_t nonce_fill,
                wire::role role = wire::role::client)
    : key(std::move(k)),
      hs(link::side::dialer,
         link::local_identity{network_id::from(network), key.public_id(), {"rogue", 1}, role},
         filled(nonce_fill), filled(static_cast<std::uint8_t>(nonce_fill ^ 0x80))) {}

  static std::array<std::uint8_t, 32> filled(std::uint8_t fill) {
    std::array<std::uint8_t, 32> a;
    a.fill(fill);
    return a;
  }

  wire::frame hello() const { return {frame_kind::hello, 0, codec::encode_hello(hs.local_hello())}; }
  wire::frame proof(const secret_key& signer) const {
    return {frame_kind::proof, 0, codec::encode_proof(hs.make_proof(signer))};
  }
};

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
  CHECK(c.state(0).accepting.empty());
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
  CHECK(c.state(0).accepting.empty());
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
  auto ingress = c.ingress_proxy(1, 0);
  auto r = c.spawn_rogue(1);
  // Mallory claims node-less identity `victim` but signs with her own key.
  manual_dialer victim{fresh_key(7), "sim", 1, wire::role::node};
  auto mallory = fresh_key(8);
  c.rogue_request(r, ingress, victim.hello());
  REQUIRE(r.replies->size() == 1);
  auto their_hello = codec::decode_hello(r.replies->back().payload);
  REQUIRE(their_hello);
  REQUIRE_FALSE(victim.hs.receive_hello(*their_hello, victim.guard));
  c.rogue_request(r, ingress, victim.proof(mallory));
  REQUIRE(r.replies->size() == 2);
  auto closed = as_close(r.replies->back());
  REQUIRE(closed);
  CHECK(closed->reason == close_reason::invalid_signature);
  CHECK(sent(c, 0, close_reason::invalid_signature) == 1);
  CHECK(c.state(0).links.empty());
  CHECK(c.state(0).accepting.empty());
}

TEST_CASE("sim handshake: a replayed hello and proof are refused as stale") {
  sim_cluster c{2, 16};
  c.start(0);
  auto ingress = c.ingress_proxy(1, 0);
  auto r = c.spawn_rogue(1);
  manual_dialer client{fresh_key(9), "sim", 3};
  c.rogue_request(r, ingress, client.hello());
  REQUIRE(r.replies->size() == 1);
  auto their_hello = codec::decode_hello(r.replies->back().payload);
  REQUIRE(their_hello);
  REQUIRE_FALSE(client.hs.receive_hello(*their_hello, client.guard));
  auto recorded_proof = client.proof(client.key);
  c.rogue_request(r, ingress, recorded_proof);
  REQUIRE(r.replies->size() == 2);
  CHECK(r.replies->back().kind == frame_kind::proof); // a genuine client passes
  // Replaying the recorded hello: its nonce is known.
  c.rogue_request(r, ingress, client.hello());
  REQUIRE(r.replies->size() == 3);
  auto stale = as_close(r.replies->back());
  REQUIRE(stale);
  CHECK(stale->reason == close_reason::stale_proof);
  // A proof without a handshake in progress is stale as well.
  c.rogue_request(r, ingress, recorded_proof);
  REQUIRE(r.replies->size() == 4);
  auto orphan = as_close(r.replies->back());
  REQUIRE(orphan);
  CHECK(orphan->reason == close_reason::stale_proof);
  CHECK(sent(c, 0, close_reason::stale_proof) == 2);
}

TEST_CASE("sim handshake: a dialler that never proves itself times out") {
  sim_cluster c{2, 17};
  c.start(0);
  auto ingress = c.ingress_proxy(1, 0);
  auto r = c.spawn_rogue(1);
  manual_dialer slow{fresh_key(10), "sim", 4, wire::role::node};
  c.rogue_request(r, ingress, slow.hello());
  CHECK(c.state(0).accepting.size() == 1);
  c.run(1900ms);
  CHECK(c.state(0).accepting.size() == 1);
  c.run(200ms);
  CHECK(c.state(0).accepting.empty());
  CHECK(sent(c, 0, close_reason::handshake_timeout) == 1);
  CHECK(c.state(0).links.empty());
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
