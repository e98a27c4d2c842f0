#include "actors/core/link/handshake.hpp"
#include "actors/core/link/tie_break.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::link;
using wire::close_reason;

namespace {

secret_key key_of(std::uint8_t fill) {
  secret_key::seed_type s;
  s.fill(fill);
  return secret_key::from_seed(s);
}

wire::nonce nonce_of(std::uint8_t fill) {
  wire::nonce n;
  n.fill(fill);
  return n;
}

local_identity identity(const secret_key& key, std::string_view network = "net",
                        wire::role role = wire::role::node) {
  return local_identity{network_id::from(network), key.public_id(), {"127.0.0.1", 4000}, role};
}

struct pair_fixture {
  secret_key dk = key_of(1);
  secret_key ak = key_of(2);
  replay_guard dguard{16};
  replay_guard aguard{16};
  handshake dialer{side::dialer, identity(dk), nonce_of(10)};
  handshake acceptor{side::acceptor, identity(ak), nonce_of(20)};
};

} // namespace

TEST_CASE_FIXTURE(pair_fixture, "handshake: both sides agree and end done") {
  REQUIRE_FALSE(acceptor.receive_hello(dialer.local_hello(), aguard));
  REQUIRE_FALSE(dialer.receive_hello(acceptor.local_hello(), dguard));
  CHECK(dialer.current() == handshake::state::awaiting_proof);
  REQUIRE_FALSE(acceptor.receive_proof(dialer.make_proof(dk)));
  REQUIRE_FALSE(dialer.receive_proof(acceptor.make_proof(ak)));
  CHECK(dialer.current() == handshake::state::done);
  CHECK(acceptor.current() == handshake::state::done);
  CHECK(dialer.remote_hello().peer == ak.public_id());
  CHECK(acceptor.remote_hello().peer == dk.public_id());
}

TEST_CASE_FIXTURE(pair_fixture, "handshake: different network, version and self connection") {
  handshake other{side::dialer, identity(dk, "other"), nonce_of(11)};
  CHECK(acceptor.receive_hello(other.local_hello(), aguard) == close_reason::different_network);
  CHECK(acceptor.current() == handshake::state::failed);

  auto old = identity(dk);
  old.version = 0;
  old.min_version = 0;
  handshake a2{side::acceptor, identity(ak), nonce_of(21)};
  CHECK(a2.receive_hello(handshake{side::dialer, old, nonce_of(12)}.local_hello(), aguard)
        == close_reason::version_mismatch);
  auto future = identity(dk);
  future.version = 7;
  handshake a3{side::acceptor, identity(ak), nonce_of(22)};
  CHECK(a3.receive_hello(handshake{side::dialer, future, nonce_of(13)}.local_hello(), aguard)
        == close_reason::version_mismatch);

  handshake self_dial{side::dialer, identity(ak), nonce_of(14)};
  handshake a4{side::acceptor, identity(ak), nonce_of(23)};
  CHECK(a4.receive_hello(self_dial.local_hello(), aguard) == close_reason::self_connection);
}

TEST_CASE_FIXTURE(pair_fixture, "handshake: a forged proof is an invalid signature") {
  REQUIRE_FALSE(acceptor.receive_hello(dialer.local_hello(), aguard));
  REQUIRE_FALSE(dialer.receive_hello(acceptor.local_hello(), dguard));
  auto mallory = key_of(9);
  CHECK(acceptor.receive_proof(dialer.make_proof(mallory)) == close_reason::invalid_signature);
  auto tampered = dialer.make_proof(dk);
  tampered.sig.raw[0] ^= 1;
  CHECK(dialer.receive_proof(wire::proof{tampered.sig}) == close_reason::invalid_signature);
}

TEST_CASE_FIXTURE(pair_fixture, "handshake: a reflected proof does not verify for the other side") {
  REQUIRE_FALSE(acceptor.receive_hello(dialer.local_hello(), aguard));
  REQUIRE_FALSE(dialer.receive_hello(acceptor.local_hello(), dguard));
  // The acceptor's own proof sent back to it claims to be the dialer's.
  CHECK(acceptor.receive_proof(acceptor.make_proof(ak)) == close_reason::invalid_signature);
}

TEST_CASE_FIXTURE(pair_fixture, "handshake: a replayed hello and proof are stale") {
  REQUIRE_FALSE(acceptor.receive_hello(dialer.local_hello(), aguard));
  REQUIRE_FALSE(dialer.receive_hello(acceptor.local_hello(), dguard));
  auto recorded_proof = dialer.make_proof(dk);
  REQUIRE_FALSE(acceptor.receive_proof(recorded_proof));
  // Mallory replays the recorded hello: the nonce is known.
  handshake again{side::acceptor, identity(ak), nonce_of(30)};
  CHECK(again.receive_hello(dialer.local_hello(), aguard) == close_reason::stale_proof);
  // With a fresh nonce the old proof no longer matches the transcript.
  auto hello2 = dialer.local_hello();
  hello2.nonce = nonce_of(31);
  handshake third{side::acceptor, identity(ak), nonce_of(32)};
  REQUIRE_FALSE(third.receive_hello(hello2, aguard));
  CHECK(third.receive_proof(recorded_proof) == close_reason::invalid_signature);
}

TEST_CASE_FIXTURE(pair_fixture, "handshake: out-of-order messages are protocol violations") {
  CHECK(acceptor.receive_proof(dialer.make_proof(dk)) == close_reason::protocol_violation);
  handshake d{side::dialer, identity(dk), nonce_of(40)};
  handshake client_acceptor{side::acceptor, identity(ak, "net", wire::role::client), nonce_of(41)};
  CHECK(d.receive_hello(client_acceptor.local_hello(), dguard) == close_reason::protocol_violation);
}

TEST_CASE("handshake: a client may dial, and the tie-break is the same on both sides") {
  auto ck = key_of(5);
  auto nk = key_of(6);
  replay_guard g{4};
  handshake client{side::dialer, identity(ck, "net", wire::role::client), nonce_of(1)};
  handshake node{side::acceptor, identity(nk), nonce_of(2)};
  CHECK_FALSE(node.receive_hello(client.local_hello(), g));
  CHECK(node.remote_hello().role == wire::role::client);
  auto a = ck.public_id();
  auto b = nk.public_id();
  CHECK(dial_wins(a, b) != dial_wins(b, a));
}

TEST_CASE("replay guard: remembers at most its capacity") {
  replay_guard g{2};
  CHECK(g.admit(nonce_of(1)));
  CHECK_FALSE(g.admit(nonce_of(1)));
  CHECK(g.admit(nonce_of(2)));
  CHECK(g.admit(nonce_of(3)));
  CHECK(g.size() == 2);
  CHECK(g.admit(nonce_of(1))); // evicted, so it is new again
  CHECK_FALSE(g.admit(nonce_of(3)));
}
