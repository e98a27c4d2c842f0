#include "actors/core/link/peer_address.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::link;

TEST_CASE("peer address: host:port, PEERID@host:port and IPv6") {
  auto a = parse_peer_address("127.0.0.1:4000");
  REQUIRE(a);
  CHECK_FALSE(a->peer);
  CHECK(a->endpoint == wire::endpoint{"127.0.0.1", 4000});
  auto id = std::string(64, 'a');
  auto b = parse_peer_address(id + "@node-1.example:1");
  REQUIRE(b);
  REQUIRE(b->peer);
  CHECK(b->peer->hex() == id);
  CHECK(b->endpoint.host == "node-1.example");
  CHECK(to_string(*b) == id + "@node-1.example:1");
  auto c = parse_peer_address("[::1]:9");
  REQUIRE(c);
  CHECK(c->endpoint.host == "::1");
  CHECK(to_string(c->endpoint) == "[::1]:9");
}

TEST_CASE("peer address: bad input is a typed error naming the address") {
  for (auto text : {"", "host", "host:", ":80", "host:http", "host:70000", "host:0", "::1:80",
                    "abc@host:80", "host:80x"}) {
    auto r = parse_peer_address(text);
    CHECK_FALSE(r);
    if (!r)
      CHECK(r.error().find("invalid address") != std::string::npos);
  }
  CHECK(parse_endpoint("0.0.0.0:0", true));
  CHECK_FALSE(parse_endpoint("0.0.0.0:0", false));
}
