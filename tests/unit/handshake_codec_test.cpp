#include "schemas/codec/handshake_codec.hpp"
#include "tests/unit/byte_list_patch.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using codec::decode_errc;

namespace {

wire::hello sample_hello() {
  wire::hello h;
  h.network = network_id::from("testnet");
  h.peer = secret_key::generate().public_id();
  h.protocol_version = 1;
  h.listen_address = {"127.0.0.1", 4100};
  h.nonce.fill(9);
  h.role = wire::role::client;
  h.kx_public.fill(0xa5);
  h.ciphers = 3;
  return h;
}

/// Rewrites the list pointer of hello.kxPublic (the sample's 0xa5 bytes) to
/// announce `count` bytes instead of 32; count 0 nulls it, as in a hello from
/// before the field existed.
bool set_kx_length(bytes& encoded, std::uint32_t count) {
  return test::set_byte_list_length(encoded, 0xa5, count);
}

} // namespace

TEST_CASE("handshake codec: hello, proof and close round-trip") {
  auto h = sample_hello();
  auto hello = codec::decode_hello(codec::encode_hello(h));
  REQUIRE(hello);
  CHECK(*hello == h);

  auto key = secret_key::generate();
  wire::proof p{key.sign(bytes{1, 2, 3})};
  auto proof = codec::decode_proof(codec::encode_proof(p));
  REQUIRE(proof);
  CHECK(*proof == p);

  wire::close c{wire::close_reason::different_network, "network abc"};
  auto closed = codec::decode_close(codec::encode_close(c));
  REQUIRE(closed);
  CHECK(*closed == c);
  CHECK(wire::to_string(closed->reason) == "different_network");
}

TEST_CASE("handshake codec: the ephemeral key and the cipher mask round-trip") {
  auto h = sample_hello();
  for (std::uint8_t mask : {0, 1, 2, 3, 0xff}) {
    h.ciphers = mask;
    h.kx_public[7] = mask;
    auto r = codec::decode_hello(codec::encode_hello(h));
    REQUIRE(r);
    CHECK(r->ciphers == mask);
    CHECK(r->kx_public == h.kx_public);
  }
}

TEST_CASE("handshake codec: an ephemeral key of another length is a bad field") {
  for (std::uint32_t count : {0, 1, 31}) {
    INFO("kxPublic of " << count << " bytes");
    auto encoded = codec::encode_hello(sample_hello());
    REQUIRE(set_kx_length(encoded, count));
    auto r = codec::decode_hello(encoded);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == decode_errc::bad_field);
    CHECK(r.error().detail.find("kxPublic") != std::string::npos);
  }
  // The patch itself leaves a valid message when it keeps 32 bytes.
  auto encoded = codec::encode_hello(sample_hello());
  REQUIRE(set_kx_length(encoded, 32));
  CHECK(codec::decode_hello(encoded));
}

TEST_CASE("handshake codec: a message of another schema yields a bad field") {
  // A Close decoded as a Hello has no ids: each check must say which field.
  auto close_bytes = codec::encode_close({wire::close_reason::banned, "x"});
  auto r = codec::decode_hello(close_bytes);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::bad_field);
  CHECK(r.error().detail.find("networkId") != std::string::npos);
  auto p = codec::decode_proof(close_bytes);
  REQUIRE_FALSE(p);
  CHECK(p.error().code == decode_errc::bad_field);
}

TEST_CASE("handshake codec: control messages are held to the control cap") {
  auto h = sample_hello();
  h.listen_address.host = std::string(200, 'h');
  auto encoded = codec::encode_hello(h);
  codec::decode_limits limits;
  limits.max_control_bytes = 64;
  auto r = codec::decode_hello(encoded, limits);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::too_large);
}

TEST_CASE("handshake codec: an over-long host is rejected") {
  auto h = sample_hello();
  h.listen_address.host = std::string(codec::max_host_bytes + 1, 'h');
  auto r = codec::decode_hello(codec::encode_hello(h));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::bad_field);
}

TEST_CASE("handshake codec: a host with a NUL byte is rejected") {
  auto h = sample_hello();
  h.listen_address.host = std::string("127.0.0.1\0evil", 14);
  auto r = codec::decode_hello(codec::encode_hello(h));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::bad_field);
  CHECK(r.error().detail.find("NUL") != std::string::npos);
}

TEST_CASE("handshake codec: close detail is cut to 1 KiB when encoding") {
  auto encoded = codec::encode_close({wire::close_reason::departing, std::string(5000, 'd')});
  auto r = codec::decode_close(encoded);
  REQUIRE(r);
  CHECK(r->detail.size() == codec::max_close_detail_bytes);
}
