#include "schemas/codec/handshake_codec.hpp"

#include <doctest/doctest.h>

#include <algorithm>

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

/// Rewrites the Cap'n Proto list pointer of hello.kxPublic in `encoded` (one
/// segment) to announce `count` bytes instead of 32; count 0 nulls it, as in
/// a hello from before the field existed. The pointer is the one to a byte
/// list of 32 elements holding the sample's 0xa5 bytes.
bool set_kx_length(bytes& encoded, std::uint32_t count) {
  constexpr std::size_t table = 8; // segment count and size
  auto words = (encoded.size() - table) / 8;
  auto word = [&](std::size_t i) {
    std::uint64_t w = 0;
    for (int b = 7; b >= 0; --b)
      w = w << 8 | encoded[table + 8 * i + static_cast<std::size_t>(b)];
    return w;
  };
  for (std::size_t i = 0; i < words; ++i) {
    auto w = word(i);
    bool byte_list = (w & 3) == 1 && ((w >> 32) & 7) == 2 && (w >> 35) == 32;
    if (!byte_list)
      continue;
    auto target = static_cast<std::int64_t>(i) + 1 + (static_cast<std::int32_t>(w & 0xffffffffu) >> 2);
    auto at = table + 8 * static_cast<std::size_t>(target);
    if (target < 0 || at + 32 > encoded.size() ||
        !std::all_of(encoded.begin() + static_cast<std::ptrdiff_t>(at),
                     encoded.begin() + static_cast<std::ptrdiff_t>(at + 32),
                     [](std::uint8_t b) { return b == 0xa5; }))
      continue;
    std::uint64_t patched = count == 0 ? 0 : (w & 0x7ffffffffull) | std::uint64_t{count} << 35;
    for (int b = 0; b < 8; ++b)
      encoded[table + 8 * i + static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(patched >> (8 * b));
    return true;
  }
  return false;
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
