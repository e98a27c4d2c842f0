#include "actors/core/ids/ids.hpp"

#include <doctest/doctest.h>

#include <type_traits>
#include <unordered_set>

using namespace mosaik;

TEST_CASE("digest: published BLAKE2b-256 vectors") {
  CHECK(digest::hash(as_bytes("")).hex()
        == "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  CHECK(digest::hash(as_bytes("abc")).hex()
        == "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST_CASE("digest: from() hashes names and keeps 64-hex strings") {
  CHECK(digest::from("abc") == digest::hash(as_bytes("abc")));
  auto hex = std::string(64, 'a');
  CHECK(digest::from(hex).hex() == hex);
  CHECK(digest::from("AB" + std::string(62, '0')).hex() == "ab" + std::string(62, '0'));
  // 63 or 65 hex characters, or a non-hex character, are names to hash.
  CHECK(digest::from(std::string(63, 'a')) == digest::hash(as_bytes(std::string(63, 'a'))));
  CHECK(digest::from(std::string(65, 'a')) == digest::hash(as_bytes(std::string(65, 'a'))));
  auto almost = std::string(63, 'a') + "g";
  CHECK(digest::from(almost) == digest::hash(as_bytes(almost)));
}

TEST_CASE("digest: derive is hash of own bytes followed by the input") {
  auto base = digest::from("net");
  bytes joined(base.raw().begin(), base.raw().end());
  for (char c : std::string("child"))
    joined.push_back(static_cast<std::uint8_t>(c));
  CHECK(base.derive("child") == digest::hash(joined));
  CHECK(base.derive("child") != base.derive("other"));
  CHECK(base.derive(digest::from("x")) == base.derive(digest::from("x").view()));
}

TEST_CASE("digest: hex, short form, parsing and ordering") {
  auto d = digest::from("abc");
  CHECK(d.short_hex() == d.hex().substr(0, 10));
  CHECK(digest::from_hex(d.hex()) == d);
  CHECK_FALSE(digest::from_hex("abc").has_value());
  CHECK_FALSE(digest::from_hex(std::string(64, 'z')).has_value());
  CHECK_FALSE(digest::from_bytes(bytes(31)).has_value());
  CHECK(digest{}.is_zero());
  CHECK_FALSE(d.is_zero());
  auto low = *digest::from_hex("00" + std::string(62, 'f'));
  auto high = *digest::from_hex("01" + std::string(62, '0'));
  CHECK(low < high);
  std::unordered_set<digest> set{d, d, low};
  CHECK(set.size() == 2);
}

TEST_CASE("ids: strong types are distinct and share the digest rules") {
  static_assert(!std::is_convertible_v<group_id, stream_id>);
  static_assert(!std::is_convertible_v<network_id, unique_id>);
  static_assert(!std::is_convertible_v<digest, tag>);
  auto g = group_id::from("orders");
  CHECK(g.as_digest() == digest::from("orders"));
  CHECK(g.derive("x").as_digest() == digest::from("orders").derive("x"));
  CHECK(g.derive(store_id::from("s")).as_digest()
        == digest::from("orders").derive(digest::from("s")));
  CHECK(network_id::from_hex(g.hex())->as_digest() == g.as_digest());
  std::unordered_set<tag> tags{tag::from("a"), tag::from("b"), tag::from("a")};
  CHECK(tags.size() == 2);
}
