#include "actors/core/link/aead.hpp"
#include "actors/core/link/record_reader.hpp"
#include "schemas/codec/frame_codec.hpp"
#include "schemas/codec/frame_record.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

using namespace mosaik;
using codec::decode_errc;

namespace {

wire::frame sample_frame(wire::frame_kind kind, size_t payload_size) {
  wire::frame f{kind, 42, bytes(payload_size)};
  for (size_t i = 0; i < payload_size; ++i)
    f.payload[i] = static_cast<std::uint8_t>(i * 31);
  return f;
}

} // namespace

TEST_CASE("frame codec: every kind round-trips") {
  for (std::uint16_t k = 0; k < wire::frame_kind_count; ++k) {
    auto f = sample_frame(static_cast<wire::frame_kind>(k), 100 + k);
    auto decoded = codec::decode_frame(codec::encode_frame(f));
    REQUIRE(decoded);
    CHECK(*decoded == f);
  }
}

TEST_CASE("frame codec: unaligned input is copied and decodes") {
  auto encoded = codec::encode_frame(sample_frame(wire::frame_kind::group, 77));
  bytes shifted(encoded.size() + 1);
  std::copy(encoded.begin(), encoded.end(), shifted.begin() + 1);
  auto decoded = codec::decode_frame(byte_view{shifted}.subspan(1));
  REQUIRE(decoded);
  CHECK(decoded->payload.size() == 77);
}

TEST_CASE("frame codec: the size cap is checked before parsing") {
  codec::decode_limits limits;
  limits.max_bytes = 1024;
  auto big = codec::encode_frame(sample_frame(wire::frame_kind::stream, 2000));
  auto r = codec::decode_frame(big, limits);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::too_large);
  // Garbage over the cap is refused the same way, unparsed.
  auto r2 = codec::decode_frame(bytes(4096, 0xff), limits);
  REQUIRE_FALSE(r2);
  CHECK(r2.error().code == decode_errc::too_large);
}

TEST_CASE("frame codec: control frames get the smaller cap") {
  codec::decode_limits limits;
  limits.max_control_bytes = 512;
  auto heartbeat = codec::encode_frame(sample_frame(wire::frame_kind::heartbeat, 1000));
  auto r = codec::decode_frame(heartbeat, limits);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::too_large);
  auto data = codec::encode_frame(sample_frame(wire::frame_kind::stream, 1000));
  CHECK(codec::decode_frame(data, limits));
}

TEST_CASE("frame codec: empty and partial words are truncated") {
  auto r = codec::decode_frame(bytes{});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::truncated);
  auto encoded = codec::encode_frame(sample_frame(wire::frame_kind::group, 8));
  encoded.pop_back();
  auto r2 = codec::decode_frame(encoded);
  REQUIRE_FALSE(r2);
  CHECK(r2.error().code == decode_errc::truncated);
}

TEST_CASE("frame codec: an unknown kind is a typed error") {
  auto encoded = codec::encode_frame(sample_frame(wire::frame_kind::hello, 0));
  // Single segment: 8-byte segment table, then the root pointer, then the
  // struct's data section whose first two bytes are the kind enum.
  encoded[16] = 0xee;
  auto r = codec::decode_frame(encoded);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::unknown_kind);
}

TEST_CASE("frame codec: random and mutated frames never escape as exceptions") {
  std::mt19937_64 rng(0x6d6f7361696bULL);
  std::uniform_int_distribution<int> byte_dist(0, 255);
  size_t decoded = 0, rejected = 0;
  auto feed = [&](const bytes& input) {
    CHECK_NOTHROW({
      auto r = codec::decode_frame(input);
      if (r) {
        ++decoded;
        CHECK(static_cast<std::uint16_t>(r->kind) < wire::frame_kind_count);
      } else {
        ++rejected;
      }
    });
  };
  for (int i = 0; i < 2000; ++i) {
    bytes junk(8 * (rng() % 64));
    for (auto& b : junk)
      b = static_cast<std::uint8_t>(byte_dist(rng));
    feed(junk);
  }
  for (int i = 0; i < 3000; ++i) {
    auto kind = static_cast<wire::frame_kind>(rng() % wire::frame_kind_count);
    auto input = codec::encode_frame(sample_frame(kind, rng() % 300));
    switch (rng() % 4) {
      case 0: // flip a few bits
        for (int n = 0; n < 1 + static_cast<int>(rng() % 4); ++n)
          input[rng() % input.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        break;
      case 1: // truncate to a word boundary
        input.resize(8 * (rng() % (input.size() / 8 + 1)));
        break;
      case 2: // overwrite a word (pointers, segment table)
        for (size_t j = 0, at = 8 * (rng() % (input.size() / 8)); j < 8; ++j)
          input[at + j] = static_cast<std::uint8_t>(byte_dist(rng));
        break;
      default: // append junk words
        for (int n = 0; n < 8 * (1 + static_cast<int>(rng() % 8)); ++n)
          input.push_back(static_cast<std::uint8_t>(byte_dist(rng)));
    }
    feed(input);
  }
  MESSAGE("decoded " << decoded << ", rejected " << rejected);
  CHECK(decoded + rejected == 5000);
  CHECK(rejected > 0);
  CHECK(decoded > 0);
}

TEST_CASE("frame codec: the direct encoding is a canonical single-segment message") {
  for (std::size_t size : {0u, 1u, 7u, 8u, 9u, 63u, 64u, 1000u, 65536u, 70001u}) {
    for (auto kind : {wire::frame_kind::hello, wire::frame_kind::stream, wire::frame_kind::peers}) {
      for (bool with_channel : {false, true}) {
        auto f = sample_frame(kind, size);
        f.sequence = 0x0102030405060708ull + size;
        if (with_channel)
          f.channel = digest::from("c");
        auto encoded = codec::encode_frame(f);
        // Segment table, root pointer, 2 data words, 2 pointers, the payload
        // in whole words, the channel.
        CHECK(encoded.size() == 8 + 40 + (size + 7) / 8 * 8 + (with_channel ? 32 : 0));
        auto decoded = codec::decode_frame(encoded);
        REQUIRE(decoded);
        CHECK(*decoded == f);
      }
    }
  }
}

TEST_CASE("frame codec: a channel round-trips beside payloads of every padding") {
  for (size_t size : {0, 1, 7, 8, 9, 100}) {
    auto f = sample_frame(wire::frame_kind::group, size);
    f.channel = digest::from("group-a");
    auto decoded = codec::decode_frame(codec::encode_frame(f));
    REQUIRE(decoded);
    CHECK(*decoded == f);
  }
  auto none = codec::decode_frame(codec::encode_frame(sample_frame(wire::frame_kind::stream, 3)));
  REQUIRE(none);
  CHECK_FALSE(none->channel);
}

TEST_CASE("frame codec: a channel that is not 32 bytes is refused") {
  auto f = sample_frame(wire::frame_kind::group, 8);
  f.channel = digest::from("x");
  auto encoded = codec::encode_frame(f);
  // Shorten the channel list pointer's element count from 32 to 31 bytes.
  auto* ptr = encoded.data() + 8 + 4 * 8;
  std::uint64_t raw = 0;
  for (int i = 7; i >= 0; --i)
    raw = (raw << 8) | ptr[i];
  raw = (raw & ((std::uint64_t{1} << 35) - 1)) | (std::uint64_t{31} << 35);
  for (int i = 0; i < 8; ++i)
    ptr[i] = static_cast<std::uint8_t>(raw >> (8 * i));
  auto r = codec::decode_frame(encoded);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::bad_field);
}

TEST_CASE("frame codec: decoding in place gives what decoding a view gives") {
  for (std::size_t size : {0, 1, 7, 8, 9, 100, 65536}) {
    for (bool with_channel : {false, true}) {
      INFO("payload " << size << " channel " << with_channel);
      auto f = sample_frame(wire::frame_kind::stream, size);
      if (with_channel)
        f.channel = digest::from("a stream");
      auto encoded = codec::encode_frame(f);
      auto by_view = codec::decode_frame(encoded);
      auto in_place = codec::decode_frame_in_place(std::move(encoded));
      REQUIRE(by_view);
      REQUIRE(in_place);
      CHECK(*in_place == f);
      CHECK(*by_view == f);
    }
  }
}

TEST_CASE("frame codec: decoding in place keeps the limits and errors of decoding a view") {
  codec::decode_limits limits;
  limits.max_bytes = 1024;
  auto big = codec::encode_frame(sample_frame(wire::frame_kind::stream, 2000));
  auto r = codec::decode_frame_in_place(std::move(big), limits);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::too_large);
  auto garbage = codec::decode_frame_in_place(bytes(4096, 0xff));
  REQUIRE_FALSE(garbage);
  CHECK(garbage.error().code == codec::decode_frame(bytes(4096, 0xff)).error().code);
  CHECK_FALSE(codec::decode_frame_in_place(bytes{}));
}

TEST_CASE("frame codec: a record appended to a buffer reads back sealed and plain") {
  auto key = [] {
    link::key256 k;
    k.fill(7);
    return k;
  }();
  auto c = link::cipher::chacha20_poly1305;
  link::aead_sealer sealer{c, key};
  link::aead_opener opener{c, key};
  std::vector<wire::frame> frames;
  for (std::size_t size : {0, 5, 64, 65536}) {
    frames.push_back(sample_frame(wire::frame_kind::group, size));
    frames.back().channel = digest::from("a group");
    frames.push_back(sample_frame(wire::frame_kind::heartbeat, size % 60));
  }
  for (bool sealed : {false, true}) {
    INFO("sealed " << sealed);
    std::vector<char> out{'x', 'y'}; // what was queued before stays
    for (const auto& f : frames)
      codec::append_frame_record(out, f, sealed ? &sealer : nullptr);
    CHECK(out[0] == 'x');
    CHECK(out[1] == 'y');
    link::record_reader reader{1 << 20};
    reader.feed({reinterpret_cast<const std::uint8_t*>(out.data()) + 2, out.size() - 2});
    for (const auto& f : frames) {
      auto body = reader.next();
      REQUIRE(body);
      REQUIRE(*body);
      if (sealed)
        REQUIRE(opener.open_in_place(**body));
      auto decoded = codec::decode_frame_in_place(std::move(**body));
      REQUIRE(decoded);
      CHECK(*decoded == f);
    }
    CHECK(reader.buffered() == 0);
  }
}

TEST_CASE("frame codec: a frame without a payload pointer decodes in place to an empty payload") {
  auto encoded = codec::encode_frame(sample_frame(wire::frame_kind::stream, 0));
  // Word 3 of the segment (after the 8-byte segment table) is the payload's
  // list pointer: zero is a null pointer, which reads as an empty payload.
  constexpr std::size_t payload_pointer = 8 + 3 * 8;
  std::fill_n(encoded.begin() + payload_pointer, 8, std::uint8_t{0});
  auto by_view = codec::decode_frame(encoded);
  auto in_place = codec::decode_frame_in_place(std::move(encoded));
  REQUIRE(by_view);
  REQUIRE(in_place);
  CHECK(in_place->payload.empty());
  CHECK(*in_place == *by_view);
}
