#include "schemas/codec/storage_codec.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace mosaik;
using codec::decode_errc;

namespace {

peer_id pid(std::uint8_t b) {
  peer_id::array_type raw{};
  raw.fill(b);
  return peer_id{raw};
}

raft::entry sample_entry(raft::entry_type type, std::size_t size) {
  raft::entry e{0x0102030405060708u, 0x1112131415161718u, type, bytes(size)};
  for (std::size_t i = 0; i < size; ++i)
    e.data[i] = static_cast<std::uint8_t>(i * 7 + 3);
  return e;
}

// Flips one bit of the first occurrence of `needle` in `encoded`.
void flip_inside(bytes& encoded, byte_view needle) {
  auto it = std::search(encoded.begin(), encoded.end(), needle.begin(), needle.end());
  REQUIRE(it != encoded.end());
  *(it + static_cast<std::ptrdiff_t>(needle.size() / 2)) ^= 0x10;
}

raft::configuration sample_config() {
  return {{pid(1), pid(3), pid(5)}, {pid(2), pid(4)}, digest::hash(as_bytes("first entry"))};
}

} // namespace

TEST_CASE("storage codec: entries of every type round-trip") {
  for (auto type : {raft::entry_type::command, raft::entry_type::noop,
                    raft::entry_type::config_change})
    for (std::size_t size : {0, 1, 7, 8, 100, 70000}) {
      auto e = sample_entry(type, size);
      auto decoded = codec::decode_stored_entry(codec::encode_stored_entry(e));
      REQUIRE(decoded);
      CHECK(*decoded == e);
    }
}

TEST_CASE("storage codec: an unaligned entry is copied and decodes") {
  auto e = sample_entry(raft::entry_type::command, 100);
  auto encoded = codec::encode_stored_entry(e);
  bytes shifted(encoded.size() + 3);
  std::copy(encoded.begin(), encoded.end(), shifted.begin() + 3);
  auto decoded = codec::decode_stored_entry(byte_view{shifted}.subspan(3));
  REQUIRE(decoded);
  CHECK(*decoded == e);
}

TEST_CASE("storage codec: a flipped payload bit is a checksum mismatch") {
  auto e = sample_entry(raft::entry_type::command, 64);
  auto encoded = codec::encode_stored_entry(e);
  flip_inside(encoded, e.data);
  auto r = codec::decode_stored_entry(encoded);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::checksum_mismatch);
}

TEST_CASE("storage codec: a flipped term bit is a checksum mismatch") {
  auto e = sample_entry(raft::entry_type::noop, 16);
  auto encoded = codec::encode_stored_entry(e);
  bytes term_le{0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11};
  flip_inside(encoded, term_le);
  auto r = codec::decode_stored_entry(encoded);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::checksum_mismatch);
}

TEST_CASE("storage codec: an unknown entry type is refused") {
  auto encoded = codec::encode_stored_entry(sample_entry(raft::entry_type::command, 8));
  // Segment table (8 bytes), root pointer (8), index (8), term (8): the
  // type is the next 16-bit field.
  REQUIRE(encoded.size() > 34);
  encoded[32] = 9;
  auto r = codec::decode_stored_entry(encoded);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::unknown_kind);
}

TEST_CASE("storage codec: damaged framing and the size cap are decode errors") {
  auto encoded = codec::encode_stored_entry(sample_entry(raft::entry_type::command, 100));
  auto cut = codec::decode_stored_entry(byte_view{encoded}.first(encoded.size() - 8));
  REQUIRE_FALSE(cut);
  CHECK(cut.error().code == decode_errc::malformed);
  auto odd = codec::decode_stored_entry(byte_view{encoded}.first(encoded.size() - 3));
  REQUIRE_FALSE(odd);
  CHECK(odd.error().code == decode_errc::truncated);
  codec::decode_limits limits;
  limits.max_bytes = 64;
  auto big = codec::decode_stored_entry(encoded, limits);
  REQUIRE_FALSE(big);
  CHECK(big.error().code == decode_errc::too_large);
}

TEST_CASE("storage codec: hard state with and without a vote round-trips") {
  raft::hard_state none{7, std::nullopt, 42};
  auto a = codec::decode_hard_state(codec::encode_hard_state(none));
  REQUIRE(a);
  CHECK(*a == none);
  raft::hard_state voted{8, pid(9), 43};
  auto encoded = codec::encode_hard_state(voted);
  auto b = codec::decode_hard_state(encoded);
  REQUIRE(b);
  CHECK(*b == voted);
  flip_inside(encoded, pid(9).view());
  auto c = codec::decode_hard_state(encoded);
  REQUIRE_FALSE(c);
  CHECK(c.error().code == decode_errc::checksum_mismatch);
}

TEST_CASE("storage codec: configuration round-trips and its rules are checked") {
  auto config = sample_config();
  auto encoded = codec::encode_configuration(config);
  auto decoded = codec::decode_configuration(encoded);
  REQUIRE(decoded);
  CHECK(*decoded == config);
  auto empty = codec::decode_configuration(codec::encode_configuration({}));
  REQUIRE(empty);
  CHECK(*empty == raft::configuration{});

  auto lineage_flipped = encoded;
  flip_inside(lineage_flipped, config.lineage.view());
  auto bad_lineage = codec::decode_configuration(lineage_flipped);
  REQUIRE_FALSE(bad_lineage);
  CHECK(bad_lineage.error().code == decode_errc::checksum_mismatch);

  flip_inside(encoded, pid(4).view());
  auto flipped = codec::decode_configuration(encoded);
  REQUIRE_FALSE(flipped);
  CHECK(flipped.error().code == decode_errc::checksum_mismatch);

  raft::configuration unsorted{{pid(3), pid(1)}, {}, {}};
  raft::configuration duplicate{{pid(1), pid(1)}, {}, {}};
  raft::configuration overlapping{{pid(1), pid(2)}, {pid(2)}, {}};
  for (const auto& bad : {unsorted, duplicate, overlapping}) {
    CHECK(codec::configuration_violation(bad).has_value());
    auto r = codec::decode_configuration(codec::encode_configuration(bad));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == decode_errc::bad_field);
  }
  CHECK_FALSE(codec::configuration_violation(sample_config()).has_value());
}

TEST_CASE("storage codec: snapshot metadata round-trips and damage anywhere is caught") {
  raft::snapshot_metadata meta{1000, 12, sample_config()};
  auto encoded = codec::encode_stored_snapshot_metadata(meta);
  auto decoded = codec::decode_stored_snapshot_metadata(encoded);
  REQUIRE(decoded);
  CHECK(*decoded == meta);
  auto in_config = encoded;
  flip_inside(in_config, pid(5).view());
  auto r = codec::decode_stored_snapshot_metadata(in_config);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::checksum_mismatch);
  auto in_index = encoded;
  bytes index_le{0xe8, 0x03, 0, 0, 0, 0, 0, 0};
  flip_inside(in_index, index_le);
  auto s = codec::decode_stored_snapshot_metadata(in_index);
  REQUIRE_FALSE(s);
  CHECK(s.error().code == decode_errc::checksum_mismatch);
}

TEST_CASE("storage codec: snapshot chunks round-trip and carry their snapshot") {
  raft::snapshot_chunk chunk{500, 4, 3, bytes(4096, 0x5a)};
  auto encoded = codec::encode_snapshot_chunk(chunk);
  auto decoded = codec::decode_snapshot_chunk(encoded);
  REQUIRE(decoded);
  CHECK(*decoded == chunk);
  flip_inside(encoded, bytes(64, 0x5a));
  auto r = codec::decode_snapshot_chunk(encoded);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::checksum_mismatch);
}

TEST_CASE("storage codec: a record of another kind is refused") {
  auto chunk = codec::encode_snapshot_chunk({500, 4, 3, bytes(40, 0x5a)});
  CHECK_FALSE(codec::decode_stored_entry(chunk));
  CHECK_FALSE(codec::decode_hard_state(chunk));
  CHECK_FALSE(codec::decode_configuration(chunk));
  CHECK_FALSE(codec::decode_stored_snapshot_metadata(chunk));
}

TEST_CASE("storage codec: a reused entry encoder encodes each entry afresh") {
  // Big then small then big: the reused segment must hold nothing of the
  // previous entry.
  codec::entry_encoder encoder;
  for (std::size_t size : {5000, 3, 0, 100, 20000, 8}) {
    auto e = sample_entry(size % 2 == 0 ? raft::entry_type::command : raft::entry_type::noop, size);
    e.index = size;
    auto encoded = encoder.encode(e);
    CHECK(bytes(encoded.begin(), encoded.end()) == codec::encode_stored_entry(e));
    auto decoded = codec::decode_stored_entry(encoded);
    REQUIRE(decoded);
    CHECK(*decoded == e);
  }
}
