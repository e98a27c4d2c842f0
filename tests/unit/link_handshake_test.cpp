#include "actors/core/link/handshake.hpp"
#include "actors/core/link/record_reader.hpp"
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

/// The ephemeral seed of a handshake, distinct from its nonce.
std::array<std::uint8_t, 32> seed_of(std::uint8_t fill) {
  std::array<std::uint8_t, 32> s;
  s.fill(static_cast<std::uint8_t>(fill ^ 0x5a));
  return s;
}

handshake make(side s, const local_identity& me, std::uint8_t fill) {
  return handshake{s, me, nonce_of(fill), seed_of(fill)};
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
  handshake dialer = make(side::dialer, identity(dk), 10);
  handshake acceptor = make(side::acceptor, identity(ak), 20);
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
  handshake other = make(side::dialer, identity(dk, "other"), 11);
  CHECK(acceptor.receive_hello(other.local_hello(), aguard) == close_reason::different_network);
  CHECK(acceptor.current() == handshake::state::failed);

  auto old = identity(dk);
  old.version = 0;
  old.min_version = 0;
  handshake a2 = make(side::acceptor, identity(ak), 21);
  CHECK(a2.receive_hello(make(side::dialer, old, 12).local_hello(), aguard)
        == close_reason::version_mismatch);
  auto future = identity(dk);
  future.version = 7;
  handshake a3 = make(side::acceptor, identity(ak), 22);
  CHECK(a3.receive_hello(make(side::dialer, future, 13).local_hello(), aguard)
        == close_reason::version_mismatch);

  handshake self_dial = make(side::dialer, identity(ak), 14);
  handshake a4 = make(side::acceptor, identity(ak), 23);
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
  handshake again = make(side::acceptor, identity(ak), 30);
  CHECK(again.receive_hello(dialer.local_hello(), aguard) == close_reason::stale_proof);
  // With a fresh nonce the old proof no longer matches the transcript.
  auto hello2 = dialer.local_hello();
  hello2.nonce = nonce_of(31);
  handshake third = make(side::acceptor, identity(ak), 32);
  REQUIRE_FALSE(third.receive_hello(hello2, aguard));
  CHECK(third.receive_proof(recorded_proof) == close_reason::invalid_signature);
}

TEST_CASE_FIXTURE(pair_fixture, "handshake: out-of-order messages are protocol violations") {
  CHECK(acceptor.receive_proof(dialer.make_proof(dk)) == close_reason::protocol_violation);
  handshake d = make(side::dialer, identity(dk), 40);
  handshake client_acceptor = make(side::acceptor, identity(ak, "net", wire::role::client), 41);
  CHECK(d.receive_hello(client_acceptor.local_hello(), dguard) == close_reason::protocol_violation);
}

TEST_CASE("handshake: a client may dial, and the tie-break is the same on both sides") {
  auto ck = key_of(5);
  auto nk = key_of(6);
  replay_guard g{4};
  handshake client = make(side::dialer, identity(ck, "net", wire::role::client), 1);
  handshake node = make(side::acceptor, identity(nk), 2);
  CHECK_FALSE(node.receive_hello(client.local_hello(), g));
  CHECK(node.remote_hello().role == wire::role::client);
  auto a = ck.public_id();
  auto b = nk.public_id();
  CHECK(dial_wins(a, b) != dial_wins(b, a));
}

namespace {

/// Runs both hellos; true when both sides accepted the other's.
bool exchange_hellos(handshake& d, handshake& a, replay_guard& dg, replay_guard& ag) {
  return !a.receive_hello(d.local_hello(), ag) && !d.receive_hello(a.local_hello(), dg);
}

std::array<std::uint8_t, 32> kx_public_of(std::uint8_t fill) {
  return make(side::dialer, identity(key_of(fill)), fill).local_hello().kx_public;
}

} // namespace

TEST_CASE_FIXTURE(pair_fixture, "handshake: both sides derive matching keys and binding") {
  REQUIRE(exchange_hellos(dialer, acceptor, dguard, aguard));
  REQUIRE_FALSE(acceptor.receive_proof(dialer.make_proof(dk)));
  REQUIRE_FALSE(dialer.receive_proof(acceptor.make_proof(ak)));
  auto d = dialer.session();
  auto a = acceptor.session();
  CHECK(d.chosen == a.chosen);
  CHECK(d.chosen == choose_cipher(available_ciphers(), available_ciphers()));
  CHECK(d.tx == a.rx);
  CHECK(d.rx == a.tx);
  CHECK(d.tx != d.rx);
  CHECK(d.binding == a.binding);
  CHECK_FALSE(d.binding.is_zero());
  // The keys really carry records from one side to the other.
  aead_sealer seal{d.chosen, d.tx};
  aead_opener open{a.chosen, a.rx};
  bytes out(record_header_size + 3 + aead_overhead);
  seal.seal_record(bytes{1, 2, 3}, out.data());
  auto plain = open.open(byte_view{out}.subspan(record_header_size));
  REQUIRE(plain);
  CHECK(*plain == bytes{1, 2, 3});
}

TEST_CASE_FIXTURE(pair_fixture, "handshake: hellos carry the ephemeral key and the cipher mask") {
  CHECK(dialer.local_hello().kx_public != acceptor.local_hello().kx_public);
  CHECK(dialer.local_hello().kx_public == make(side::dialer, identity(dk), 10).local_hello().kx_public);
  CHECK(dialer.local_hello().ciphers == available_ciphers());
  CHECK(dialer.local_hello().protocol_version == protocol_version);
}

TEST_CASE_FIXTURE(pair_fixture, "handshake: session keys are bound to the transcript") {
  // Same ephemeral keys, another nonce: the X25519 secret is the same, the
  // keys must not be.
  REQUIRE(exchange_hellos(dialer, acceptor, dguard, aguard));
  handshake d2{side::dialer, identity(dk), nonce_of(50), seed_of(10)};
  handshake a2{side::acceptor, identity(ak), nonce_of(51), seed_of(20)};
  REQUIRE(exchange_hellos(d2, a2, dguard, aguard));
  CHECK(d2.local_hello().kx_public == dialer.local_hello().kx_public);
  CHECK(d2.session().tx != dialer.session().tx);
  CHECK(d2.session().rx != dialer.session().rx);
  CHECK(d2.session().binding != dialer.session().binding);
}

TEST_CASE_FIXTURE(pair_fixture, "handshake: different links get different bindings") {
  REQUIRE(exchange_hellos(dialer, acceptor, dguard, aguard));
  auto again_d = make(side::dialer, identity(dk), 60);
  auto again_a = make(side::acceptor, identity(ak), 61);
  REQUIRE(exchange_hellos(again_d, again_a, dguard, aguard));
  auto other_k = key_of(3);
  replay_guard og{4};
  auto other_d = make(side::dialer, identity(other_k), 62);
  auto other_a = make(side::acceptor, identity(ak), 63);
  REQUIRE(exchange_hellos(other_d, other_a, og, aguard));
  auto b1 = dialer.session().binding;
  auto b2 = again_d.session().binding;
  auto b3 = other_d.session().binding;
  CHECK(b2 == again_a.session().binding);
  CHECK(b1 != b2);
  CHECK(b1 != b3);
  CHECK(b2 != b3);
}

TEST_CASE_FIXTURE(pair_fixture, "handshake: a tampered ephemeral key of the dialer fails the proof") {
  auto hello = dialer.local_hello();
  hello.kx_public = kx_public_of(7); // a valid key, not the dialer's
  REQUIRE_FALSE(acceptor.receive_hello(hello, aguard));
  REQUIRE_FALSE(dialer.receive_hello(acceptor.local_hello(), dguard));
  CHECK(acceptor.receive_proof(dialer.make_proof(dk)) == close_reason::invalid_signature);
  CHECK(dialer.receive_proof(acceptor.make_proof(ak)) == close_reason::invalid_signature);
  CHECK(dialer.current() == handshake::state::failed);
}

TEST_CASE_FIXTURE(pair_fixture, "handshake: a tampered ephemeral key of the acceptor fails the proof") {
  auto hello = acceptor.local_hello();
  hello.kx_public = kx_public_of(7);
  REQUIRE_FALSE(acceptor.receive_hello(dialer.local_hello(), aguard));
  REQUIRE_FALSE(dialer.receive_hello(hello, dguard));
  CHECK(acceptor.receive_proof(dialer.make_proof(dk)) == close_reason::invalid_signature);
  CHECK(dialer.receive_proof(acceptor.make_proof(ak)) == close_reason::invalid_signature);
}

TEST_CASE_FIXTURE(pair_fixture, "handshake: a tampered cipher mask of the dialer fails the proof") {
  auto hello = dialer.local_hello();
  hello.ciphers ^= 0x80; // a bit no cipher uses: the choice stays, the transcript does not
  REQUIRE_FALSE(acceptor.receive_hello(hello, aguard));
  REQUIRE_FALSE(dialer.receive_hello(acceptor.local_hello(), dguard));
  CHECK(acceptor.receive_proof(dialer.make_proof(dk)) == close_reason::invalid_signature);
  CHECK(dialer.receive_proof(acceptor.make_proof(ak)) == close_reason::invalid_signature);
}

TEST_CASE_FIXTURE(pair_fixture, "handshake: a stripped cipher mask of the acceptor fails the proof") {
  // A downgrade: the acceptor's hello loses a bit on the way to the dialer.
  auto hello = acceptor.local_hello();
  hello.ciphers = static_cast<std::uint8_t>(cipher::chacha20_poly1305);
  if (hello.ciphers == acceptor.local_hello().ciphers)
    hello.ciphers |= 0x80; // no AES here: flip a bit no cipher uses
  REQUIRE_FALSE(acceptor.receive_hello(dialer.local_hello(), aguard));
  REQUIRE_FALSE(dialer.receive_hello(hello, dguard));
  CHECK(acceptor.receive_proof(dialer.make_proof(dk)) == close_reason::invalid_signature);
  CHECK(dialer.receive_proof(acceptor.make_proof(ak)) == close_reason::invalid_signature);
}

TEST_CASE_FIXTURE(pair_fixture, "handshake: a man in the middle replacing both ephemeral keys fails") {
  // Mallory forwards the hellos with her own X25519 keys so that she shares
  // one session with each side; she cannot sign for either.
  auto to_acceptor = dialer.local_hello();
  to_acceptor.kx_public = kx_public_of(8);
  auto to_dialer = acceptor.local_hello();
  to_dialer.kx_public = kx_public_of(9);
  REQUIRE_FALSE(acceptor.receive_hello(to_acceptor, aguard));
  REQUIRE_FALSE(dialer.receive_hello(to_dialer, dguard));
  CHECK(dialer.session().tx != acceptor.session().rx);
  CHECK(dialer.session().binding != acceptor.session().binding);
  CHECK(acceptor.receive_proof(dialer.make_proof(dk)) == close_reason::invalid_signature);
  CHECK(dialer.receive_proof(acceptor.make_proof(ak)) == close_reason::invalid_signature);
}

TEST_CASE_FIXTURE(pair_fixture, "handshake: no common cipher is a version mismatch") {
  auto only_aes = identity(dk);
  only_aes.ciphers = static_cast<std::uint8_t>(cipher::aes256_gcm);
  auto only_chacha = identity(ak);
  only_chacha.ciphers = static_cast<std::uint8_t>(cipher::chacha20_poly1305);
  auto d = make(side::dialer, only_aes, 70);
  auto a = make(side::acceptor, only_chacha, 71);
  CHECK(a.receive_hello(d.local_hello(), aguard) == close_reason::version_mismatch);
  CHECK(a.current() == handshake::state::failed);
  auto none = identity(dk);
  none.ciphers = 0;
  CHECK(acceptor.receive_hello(make(side::dialer, none, 72).local_hello(), aguard)
        == close_reason::version_mismatch);
}

TEST_CASE_FIXTURE(pair_fixture, "handshake: an ephemeral key of small order is a protocol violation") {
  auto hello = dialer.local_hello();
  hello.kx_public.fill(0); // X25519 of it is all zero: crypto_kx refuses it
  CHECK(acceptor.receive_hello(hello, aguard) == close_reason::protocol_violation);
  CHECK(acceptor.current() == handshake::state::failed);
  auto to_dialer = make(side::acceptor, identity(ak), 73).local_hello();
  to_dialer.kx_public = {1}; // the point 1: small order too
  CHECK(dialer.receive_hello(to_dialer, dguard) == close_reason::protocol_violation);
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

TEST_CASE("handshake: a listen address altered in transit fails the proof") {
  for (int variant = 0; variant < 2; ++variant) {
    CAPTURE(variant);
    pair_fixture fresh;
    auto hello = fresh.dialer.local_hello();
    if (variant == 0)
      hello.listen_address.port ^= 1;
    else
      hello.listen_address.host += "x";
    REQUIRE_FALSE(fresh.acceptor.receive_hello(hello, fresh.aguard));
    REQUIRE_FALSE(fresh.dialer.receive_hello(fresh.acceptor.local_hello(), fresh.dguard));
    CHECK(fresh.acceptor.receive_proof(fresh.dialer.make_proof(fresh.dk)) == close_reason::invalid_signature);
  }
}
