#include "actors/core/ids/keys.hpp"

#include <doctest/doctest.h>

using namespace mosaik;

namespace {

secret_key::seed_type seed_of(std::uint8_t fill) {
  secret_key::seed_type s;
  s.fill(fill);
  return s;
}

} // namespace

TEST_CASE("keys: a signature verifies and fails with any single byte flipped") {
  auto key = secret_key::generate();
  auto message = bytes{'h', 'e', 'l', 'l', 'o', ' ', 'p', 'e', 'e', 'r'};
  auto sig = key.sign(message);
  REQUIRE(verify(key.public_id(), message, sig));
  for (size_t i = 0; i < message.size(); ++i) {
    auto tampered = message;
    tampered[i] ^= 0x01;
    CHECK_FALSE(verify(key.public_id(), tampered, sig));
  }
  for (size_t i = 0; i < signature::size; ++i) {
    auto tampered = sig;
    tampered.raw[i] ^= 0x01;
    CHECK_FALSE(verify(key.public_id(), message, tampered));
  }
  auto other = secret_key::generate();
  CHECK_FALSE(verify(other.public_id(), message, sig));
}

TEST_CASE("keys: the same seed gives the same key; the seed round-trips") {
  auto a = secret_key::from_seed(seed_of(7));
  auto b = secret_key::from_seed(seed_of(7));
  auto c = secret_key::from_seed(seed_of(8));
  CHECK(a.public_id() == b.public_id());
  CHECK(a.public_id() != c.public_id());
  CHECK(a.seed() == seed_of(7));
  // RFC 8032 test 1: the all-zero-message key with this seed.
  auto rfc_seed = from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  secret_key::seed_type s;
  std::copy(rfc_seed->begin(), rfc_seed->end(), s.begin());
  auto rfc = secret_key::from_seed(s);
  CHECK(rfc.public_id().hex() == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  CHECK(to_hex(rfc.sign({}).view())
        == "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
           "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
}

TEST_CASE("keys: moving a key keeps it usable") {
  auto a = secret_key::from_seed(seed_of(3));
  auto id = a.public_id();
  secret_key b = std::move(a);
  auto sig = b.sign(bytes{1, 2, 3});
  CHECK(b.public_id() == id);
  CHECK(verify(id, bytes{1, 2, 3}, sig));
}

TEST_CASE("keys: peer ids parse from hex only at the right length") {
  auto key = secret_key::generate();
  CHECK(peer_id::from_hex(key.public_id().hex()) == key.public_id());
  CHECK_FALSE(peer_id::from_hex(key.public_id().hex().substr(2)).has_value());
  CHECK_FALSE(peer_id::from_bytes(bytes(33)).has_value());
  CHECK_FALSE(signature::from_bytes(bytes(63)).has_value());
}
