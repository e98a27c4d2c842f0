#include "actors/core/rng.hpp"
#include "schemas/codec/raft_codec.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using codec::decode_errc;

namespace {

raft::node_id nid(std::uint8_t n) {
  peer_id::array_type raw{};
  raw.fill(n);
  return peer_id{raw};
}

raft::configuration sample_config() {
  return {{nid(1), nid(2), nid(3)}, {nid(4)}, digest::from("lineage")};
}

raft::append_request sample_append() {
  return {7, 2,
          {{8, 2, raft::entry_type::command, bytes{1, 2, 3}},
           {9, 3, raft::entry_type::noop, {}},
           {10, 3, raft::entry_type::config_change, bytes(33, 5)}},
          6};
}

std::vector<raft::message_body> every_body() {
  return {sample_append(),
          raft::append_response{9, true, 4, true},
          raft::heartbeat_request{5, 77},
          raft::heartbeat_response{77, false},
          raft::vote_request{true, 12, 4},
          raft::vote_response{false, true},
          raft::snapshot_request{{100, 6, sample_config()}},
          raft::forward_proposal{42, 6, bytes{9, 9}},
          raft::proposal_response{42, raft::forward_answer::accepted, 101, 6},
          raft::forward_read{43},
          raft::read_response{43, true, 99},
          raft::forward_proposal_batch{{{42, 6, bytes{9, 9}}, {43, 6, {}}, {44, 7, bytes(300, 1)}}},
          raft::proposal_response_batch{{{42, raft::forward_answer::accepted, 101, 6},
                                         {43, raft::forward_answer::unknown, 0, 0}}}};
}

raft::message sample_message(raft::message_body body) {
  return {nid(1), nid(2), 6, digest::from("lineage"), std::move(body)};
}

} // namespace

TEST_CASE("raft codec: every message kind round-trips") {
  auto bodies = every_body();
  REQUIRE(bodies.size() == std::variant_size_v<raft::message_body>);
  for (auto& body : bodies) {
    auto m = sample_message(body);
    auto decoded = codec::decode_raft_message(codec::encode_raft_message(m));
    REQUIRE(decoded);
    CHECK(*decoded == m);
    CHECK(raft::kind_name(*decoded) == raft::kind_name(m));
  }
}

TEST_CASE("raft codec: entries and snapshot metadata round-trip") {
  for (const auto& e : sample_append().entries) {
    auto decoded = codec::decode_entry(codec::encode_entry(e));
    REQUIRE(decoded);
    CHECK(*decoded == e);
  }
  raft::snapshot_metadata meta{100, 6, sample_config()};
  auto decoded = codec::decode_snapshot_metadata(codec::encode_snapshot_metadata(meta));
  REQUIRE(decoded);
  CHECK(*decoded == meta);
  raft::snapshot_metadata empty;
  CHECK(*codec::decode_snapshot_metadata(codec::encode_snapshot_metadata(empty)) == empty);
}

TEST_CASE("raft codec: the size cap is checked before parsing") {
  codec::decode_limits limits;
  limits.max_bytes = 256;
  auto m = sample_message(raft::forward_proposal{1, 6, bytes(1000, 7)});
  auto r = codec::decode_raft_message(codec::encode_raft_message(m), limits);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::too_large);
}

TEST_CASE("raft codec: garbage and truncation yield typed errors") {
  auto r = codec::decode_raft_message(bytes(13, 0xab));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::truncated);
  auto encoded = codec::encode_raft_message(sample_message(sample_append()));
  encoded.resize(encoded.size() / 2 / 8 * 8);
  auto cut = codec::decode_raft_message(encoded);
  REQUIRE_FALSE(cut);
  CHECK(cut.error().code == decode_errc::malformed);
}

TEST_CASE("raft codec: a message of another schema fails on its ids") {
  auto entry_bytes = codec::encode_entry({1, 1, raft::entry_type::noop, {}});
  auto r = codec::decode_raft_message(entry_bytes);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::bad_field);
  CHECK(r.error().detail.find("message.from") != std::string::npos);
}

TEST_CASE("raft codec: appended entries must follow prevIndex consecutively") {
  auto a = sample_append();
  a.entries[1].index = 12;
  auto r = codec::decode_raft_message(codec::encode_raft_message(sample_message(a)));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::bad_field);
  a = sample_append();
  a.prev_index = 3;
  CHECK_FALSE(codec::decode_raft_message(codec::encode_raft_message(sample_message(a))));
}

TEST_CASE("raft codec: configurations must be sorted, disjoint and bounded") {
  auto with = [](raft::configuration c) {
    return codec::decode_snapshot_metadata(codec::encode_snapshot_metadata({1, 1, std::move(c)}));
  };
  auto c = sample_config();
  std::swap(c.voters[0], c.voters[1]);
  auto unsorted = with(c);
  REQUIRE_FALSE(unsorted);
  CHECK(unsorted.error().detail.find("sorted") != std::string::npos);
  c = sample_config();
  c.voters.push_back(nid(3));
  CHECK_FALSE(with(c));
  c = sample_config();
  c.learners = {nid(2)};
  auto overlap = with(c);
  REQUIRE_FALSE(overlap);
  CHECK(overlap.error().detail.find("overlaps") != std::string::npos);
  c = {};
  for (std::size_t k = 0; k <= codec::max_members; ++k) {
    peer_id::array_type raw{};
    raw[0] = static_cast<std::uint8_t>(k >> 8);
    raw[1] = static_cast<std::uint8_t>(k);
    c.voters.push_back(peer_id{raw});
  }
  auto big = with(c);
  REQUIRE_FALSE(big);
  CHECK(big.error().code == decode_errc::bad_field);
}

TEST_CASE("raft codec: an unknown forward answer is refused") {
  raft::proposal_response r{1, static_cast<raft::forward_answer>(7), 0, 0};
  auto decoded = codec::decode_raft_message(codec::encode_raft_message(sample_message(r)));
  REQUIRE_FALSE(decoded);
  CHECK(decoded.error().code == decode_errc::unknown_kind);
}

TEST_CASE("raft codec: a batch holds 1 to max_batch items") {
  auto decode = [](raft::message_body body) {
    return codec::decode_raft_message(codec::encode_raft_message(sample_message(std::move(body))));
  };
  auto empty = decode(raft::forward_proposal_batch{});
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == decode_errc::bad_field);
  CHECK_FALSE(decode(raft::proposal_response_batch{}));
  raft::proposal_response_batch full;
  full.responses.resize(raft::max_batch, {1, raft::forward_answer::accepted, 2, 3});
  CHECK(decode(full));
  full.responses.push_back({});
  auto over = decode(full);
  REQUIRE_FALSE(over);
  CHECK(over.error().detail.find("proposalResponses") != std::string::npos);
  raft::forward_proposal_batch forwards;
  forwards.proposals.resize(raft::max_batch + 1);
  CHECK_FALSE(decode(forwards));
}

TEST_CASE("raft codec: an unknown forward answer in a batch is refused") {
  raft::proposal_response_batch b{{{1, raft::forward_answer::accepted, 2, 3},
                                   {2, static_cast<raft::forward_answer>(7), 0, 0}}};
  auto decoded = codec::decode_raft_message(codec::encode_raft_message(sample_message(b)));
  REQUIRE_FALSE(decoded);
  CHECK(decoded.error().code == decode_errc::unknown_kind);
}

TEST_CASE("raft codec: an unknown entry type is refused") {
  raft::entry e{1, 1, static_cast<raft::entry_type>(9), {}};
  auto r = codec::decode_entry(codec::encode_entry(e));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::unknown_kind);
  raft::entry zero{0, 1, raft::entry_type::noop, {}};
  CHECK_FALSE(codec::decode_entry(codec::encode_entry(zero)));
}

TEST_CASE("raft codec: seeded byte flips never escape as exceptions") {
  rng r(2024);
  std::size_t decoded = 0;
  std::size_t refused = 0;
  auto bodies = every_body();
  for (const auto& body : bodies) {
    auto good = codec::encode_raft_message(sample_message(body));
    for (int round = 0; round < 300; ++round) {
      auto bad = good;
      for (int flips = 0; flips < 3; ++flips)
        bad[r.below(bad.size())] ^= static_cast<std::uint8_t>(1u << r.below(8));
      auto result = codec::decode_raft_message(bad);
      ++(result ? decoded : refused);
    }
  }
  CHECK(decoded + refused == bodies.size() * 300);
  CHECK(refused > 0);
}
