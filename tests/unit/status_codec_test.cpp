#include "schemas/codec/status_codec.hpp"
#include "tests/unit/byte_list_patch.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

using namespace mosaik;
using codec::decode_errc;

namespace {

peer_id filled_peer(std::uint8_t fill) {
  peer_id::array_type raw;
  raw.fill(fill);
  return peer_id{raw};
}

/// A status holding one group whose id, leader and bonds are made of
/// distinct bytes (0xa5, 0xb6, then 0x01 and 0x02), for byte-level patches.
wire::node_status status_with_group() {
  wire::node_status s;
  s.groups.push_back({*group_id::from_bytes(bytes(32, 0xa5)), "follower", filled_peer(0xb6), 7, 40,
                      39, 41, true, {filled_peer(0x01), filled_peer(0x02)}});
  return s;
}

/// The decoder's refusal of `s`, which must be a bad field naming `field`.
void check_refused(const wire::node_status& s, const std::string& field) {
  auto r = codec::decode_status(codec::encode_status(s));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::bad_field);
  CHECK(r.error().detail.find(field) != std::string::npos);
}

} // namespace

TEST_CASE("status codec: round-trip with peers, counters, tags, catalog and groups") {
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
  s.groups.push_back({group_id::from("g1"), "leader", s.peer, 3, 17, 16, 18, true,
                      {filled_peer(1), filled_peer(2), filled_peer(3)}});
  s.groups.push_back({group_id::from("g2"), "observer", std::nullopt, 0, 0, 0, 0, false, {}});
  s.streams.push_back({stream_id::from("s1"), true, true,
                       {{filled_peer(1), "connected", 5, 500}, {filled_peer(2), "connected", 0, 0}}});
  s.streams.push_back({stream_id::from("s1"), false, false, {{filled_peer(3), "waiting", 1, 9}}});
  auto r = codec::decode_status(codec::encode_status(s));
  REQUIRE(r);
  CHECK(*r == s);
}

TEST_CASE("status codec: a link state and a metric name holding a NUL byte round-trip unchanged") {
  wire::node_status s;
  s.peers.push_back({filled_peer(1), {"10.0.0.2", 4001}, 0, std::string{"up\0x", 4}});
  s.counters.emplace_back(std::string{"a\0b", 3}, 1);
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

TEST_CASE("status codec: mutated status answers with a catalog and groups are decoded or refused, never thrown") {
  auto s = status_with_group();
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
        for (const auto& g : r->groups)
          CHECK(std::is_sorted(g.bonds.begin(), g.bonds.end()));
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

TEST_CASE("status codec: every group role round-trips and any other role is refused") {
  auto s = status_with_group();
  for (auto role : wire::group_roles) {
    s.groups[0].role = std::string{role};
    auto r = codec::decode_status(codec::encode_status(s));
    REQUIRE(r);
    CHECK(*r == s);
  }
  for (const auto& role : std::vector<std::string>{"", "Leader", "boss", std::string{"leader\0", 7}}) {
    INFO("role " << role);
    s.groups[0].role = role;
    check_refused(s, "status.groups.role");
  }
}

TEST_CASE("status codec: group ids, leaders and bonds of another length are refused") {
  struct patch {
    std::uint8_t fill;
    std::string field;
  };
  for (const auto& [fill, field] : {patch{0xa5, "groupId"}, patch{0xb6, "leader"},
                                    patch{0x02, "bonds"}}) {
    for (std::uint32_t count : {1, 31}) {
      INFO(field << " of " << count << " bytes");
      auto encoded = codec::encode_status(status_with_group());
      REQUIRE(test::set_byte_list_length(encoded, fill, count));
      auto r = codec::decode_status(encoded);
      REQUIRE_FALSE(r);
      CHECK(r.error().code == decode_errc::bad_field);
      CHECK(r.error().detail.find("status.groups." + field) != std::string::npos);
    }
  }
  // The patch keeps a valid message at 32 bytes; an empty leader is none.
  auto encoded = codec::encode_status(status_with_group());
  REQUIRE(test::set_byte_list_length(encoded, 0x02, 32));
  CHECK(codec::decode_status(encoded));
  REQUIRE(test::set_byte_list_length(encoded, 0xb6, 0));
  auto r = codec::decode_status(encoded);
  REQUIRE(r);
  CHECK_FALSE(r->groups[0].leader);
}

TEST_CASE("status codec: a group's bonds must be sorted and unique") {
  auto s = status_with_group();
  std::swap(s.groups[0].bonds[0], s.groups[0].bonds[1]);
  check_refused(s, "sorted and unique");
  s = status_with_group();
  s.groups[0].bonds[1] = s.groups[0].bonds[0];
  check_refused(s, "sorted and unique");
}

TEST_CASE("status codec: the number of groups and of bonds per group is bounded") {
  auto s = status_with_group();
  auto& bonds = s.groups[0].bonds;
  bonds.clear();
  for (std::size_t k = 0; k < codec::max_status_group_bonds; ++k) {
    peer_id::array_type raw{};
    raw[0] = static_cast<std::uint8_t>(k >> 8);
    raw[1] = static_cast<std::uint8_t>(k);
    bonds.push_back(peer_id{raw});
  }
  CHECK(codec::decode_status(codec::encode_status(s)));
  bonds.push_back(filled_peer(0xff));
  check_refused(s, "status.groups.bonds has too many entries");

  s = status_with_group();
  s.groups.resize(codec::max_status_groups, s.groups[0]);
  CHECK(codec::decode_status(codec::encode_status(s)));
  s.groups.push_back(s.groups[0]);
  check_refused(s, "status.groups has too many entries");
}

TEST_CASE("status codec: a status answer over the size cap is refused unread") {
  auto s = status_with_group();
  auto encoded = codec::encode_status(s);
  codec::decode_limits limits;
  limits.max_bytes = encoded.size() - 8;
  auto r = codec::decode_status(encoded, limits);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::too_large);
  limits.max_bytes = encoded.size();
  CHECK(codec::decode_status(encoded, limits));
}

TEST_CASE("status codec: stream channels in an unknown state, unsorted or too many are refused") {
  wire::node_status s;
  s.streams.push_back({stream_id::from("s"), false, true, {{filled_peer(1), "connecting", 0, 0}}});
  for (auto state : wire::stream_channel_states) {
    s.streams[0].channels[0].state = std::string{state};
    auto r = codec::decode_status(codec::encode_status(s));
    REQUIRE(r);
    CHECK(*r == s);
  }
  s.streams[0].channels[0].state = "gone";
  check_refused(s, "status.streams.channels.state");
  s.streams[0].channels = {{filled_peer(2), "connected", 0, 0}, {filled_peer(1), "connected", 0, 0}};
  check_refused(s, "status.streams.channels must be sorted");
  s.streams[0].channels.clear();
  for (std::size_t k = 0; k <= codec::max_status_stream_channels; ++k) {
    peer_id::array_type raw{};
    raw[0] = static_cast<std::uint8_t>(k >> 8);
    raw[1] = static_cast<std::uint8_t>(k);
    s.streams[0].channels.push_back({peer_id{raw}, "connected", 0, 0});
  }
  check_refused(s, "status.streams.channels has too many entries");
  s.streams[0].channels.pop_back();
  CHECK(codec::decode_status(codec::encode_status(s)));
  s.streams.resize(codec::max_status_streams + 1, wire::stream_status{stream_id::from("x"), true, true, {}});
  check_refused(s, "status.streams has too many entries");
}
