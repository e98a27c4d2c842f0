#include "schemas/codec/status_codec.hpp"

#include <doctest/doctest.h>

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
