#include "schemas/codec/status_codec.hpp"

#include <doctest/doctest.h>

#include <random>

using namespace mosaik;

TEST_CASE("status codec: round-trip with peers, counters, tags and catalog") {
  wire::node_status s;
  secret_key::seed_type seed{};
  s.peer = secret_key::from_seed(seed).public_id();
  s.network = network_id::from("net");
  s.listen_address = {"127.0.0.1", 4000};
  s.uptime_ms = 1234;
  s.peers.push_back({s.peer, {"10.0.0.2", 4001}, 250, "up"});
  s.counters.emplace_back("mosaik.network.connections.opened", 3);
  s.counters.emplace_back(R"(mosaik.network.link.closes.sent{reason="banned"})", 1);
  s.tags.push_back(tag::from("gpu"));
  s.catalog.push_back({s.peer, {tag::from("a"), tag::from("b")}, 1'700'000'000'000, 1'700'000'000'042,
                       750, {{"10.0.0.2", 4001}, {"::1", 4001}}, true, 310});
  s.catalog.push_back({s.peer, {}, 0, 0, 0, {}, false, 0});
  auto r = codec::decode_status(codec::encode_status(s));
  REQUIRE(r);
  CHECK(*r == s);
}

TEST_CASE("status codec: garbage and wrong schemas are typed errors") {
  auto r = codec::decode_status(bytes(8, 0xff));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == codec::decode_errc::malformed);
  wire::node_status empty;
  auto encoded = codec::encode_status(empty);
  CHECK(codec::decode_status(encoded)); // all-zero ids are 32 bytes: valid
  CHECK_FALSE(codec::decode_status(bytes(7, 0)));
}

TEST_CASE("status codec: mutated status answers with a catalog are decoded or refused, never thrown") {
  wire::node_status s;
  s.listen_address = {"127.0.0.1", 4000};
  for (std::uint8_t i = 0; i < 6; ++i) {
    secret_key::seed_type seed{};
    seed[0] = i;
    auto peer = secret_key::from_seed(seed).public_id();
    s.peers.push_back({peer, {"10.0.0.1", 4000}, 100, "up"});
    s.catalog.push_back({peer, {tag::from("t")}, 1, 2, 3, {{"10.0.0.1", 4000}}, true, 100});
  }
  auto valid = codec::encode_status(s);
  std::mt19937_64 rng(0x737461747573ULL);
  std::size_t decoded = 0, rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    auto input = valid;
    if (i % 2 == 0) {
      for (int n = 0; n < 1 + static_cast<int>(rng() % 4); ++n)
        input[rng() % input.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    } else {
      for (std::size_t j = 0, at = 8 * (rng() % (input.size() / 8)); j < 8; ++j)
        input[at + j] = static_cast<std::uint8_t>(rng());
    }
    CHECK_NOTHROW({
      auto r = codec::decode_status(input);
      if (r) {
        ++decoded;
        CHECK(r->catalog.size() <= codec::max_status_catalog);
      } else {
        ++rejected;
      }
    });
  }
  MESSAGE("decoded " << decoded << ", rejected " << rejected);
  CHECK(decoded + rejected == 3000);
  CHECK(rejected > 0);
  CHECK(decoded > 0);
}
