#include "schemas/codec/peers_codec.hpp"

#include <doctest/doctest.h>

using namespace mosaik;

namespace {

peer_id id_of(std::uint8_t fill) {
  secret_key::seed_type s;
  s.fill(fill);
  return secret_key::from_seed(s).public_id();
}

} // namespace

TEST_CASE("peer hints codec: round-trip, entries without an id are skipped") {
  std::vector<link::peer_address> in{{id_of(1), {"127.0.0.1", 4000}},
                                     {std::nullopt, {"10.0.0.9", 1}},
                                     {id_of(2), {"node-2", 4001}}};
  auto r = codec::decode_peer_hints(codec::encode_peer_hints(in));
  REQUIRE(r);
  REQUIRE(r->size() == 2);
  CHECK((*r)[0] == in[0]);
  CHECK((*r)[1] == in[2]);
}

TEST_CASE("peer hints codec: at most 256 entries are sent, zero ports are refused") {
  std::vector<link::peer_address> many(300, {id_of(3), {"h", 1}});
  auto r = codec::decode_peer_hints(codec::encode_peer_hints(many));
  REQUIRE(r);
  CHECK(r->size() == codec::max_peer_hints);
  auto zero = codec::encode_peer_hints({{id_of(4), {"h", 0}}});
  auto bad = codec::decode_peer_hints(zero);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == codec::decode_errc::bad_field);
  CHECK_FALSE(codec::decode_peer_hints(bytes(16, 0xee)));
}
