// mosaik-kv's request parsing and JSON answers (apps/examples/kv).
#include "apps/examples/kv/kv_json.hpp"
#include "apps/examples/kv/kv_query.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::kv;

TEST_CASE("kv: percent_decode decodes %XY and refuses a broken escape") {
  CHECK(percent_decode("a%20b%2Fc%25") == std::optional<std::string>{"a b/c%"});
  CHECK(percent_decode("a+b") == std::optional<std::string>{"a+b"});
  CHECK(percent_decode("%00") == std::optional<std::string>{std::string(1, '\0')});
  CHECK_FALSE(percent_decode("%"));
  CHECK_FALSE(percent_decode("ab%2"));
  CHECK_FALSE(percent_decode("%zz"));
}

TEST_CASE("kv: parse_query splits pairs and refuses repeats and broken escapes") {
  auto q = parse_query("cas=old%20value&cas_absent=1&flag");
  REQUIRE(q);
  CHECK(q->size() == 3);
  CHECK(q->at("cas") == "old value");
  CHECK(q->at("cas_absent") == "1");
  CHECK(q->at("flag").empty());
  CHECK(parse_query("")->empty());
  CHECK(parse_query("cas=")->at("cas").empty());
  CHECK_FALSE(parse_query("a=1&a=2"));
  CHECK_FALSE(parse_query("a=%G0"));
  CHECK_FALSE(parse_query("=1"));
}

TEST_CASE("kv: JSON strings escape quotes, backslashes and control characters") {
  CHECK(json_string("plain") == "\"plain\"");
  CHECK(json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(json_string("\n\x01") == "\"\\u000a\\u0001\"");
  CHECK(error_json("timeout", "no \"answer\"") == R"({"error":"timeout","detail":"no \"answer\""})");
  CHECK(index_json(7) == R"({"index":7})");
  CHECK(cas_json(false, 12) == R"({"ok":false,"index":12})");
}

namespace {

peer_id peer(std::uint8_t n) {
  peer_id::array_type raw{};
  raw[0] = n;
  return peer_id{raw};
}

} // namespace

TEST_CASE("kv: status JSON names every field, a null leader and a pre-candidate as candidate") {
  auto self = peer(1);
  wire::group_status g;
  g.id = group_id::from("g");
  g.role = "pre_candidate";
  g.term = 3;
  g.commit = 9;
  g.applied = 8;
  g.bonds = {peer(2), peer(3)};
  auto text = status_json(self, g, 3);
  CHECK(text == "{\"peer_id\":\"" + self.hex() + "\",\"group_id\":\"" + g.id.hex()
                  + "\",\"role\":\"candidate\",\"leader\":null,\"term\":3,\"commit\":9,\"applied\":8,\"voters\":3,"
                  + "\"bonds\":[\"" + peer(2).hex() + "\",\"" + peer(3).hex() + "\"]}");
  g.role = "leader";
  g.leader = self;
  CHECK(status_json(self, g, 3).find("\"role\":\"leader\",\"leader\":\"" + self.hex() + "\"") != std::string::npos);
}
