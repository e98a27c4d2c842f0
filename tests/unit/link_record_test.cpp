#include "actors/core/link/record_reader.hpp"
#include "actors/core/rng.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace mosaik;
using namespace mosaik::link;

namespace {

bytes record(const bytes& body) {
  bytes out(record_header_size);
  write_record_header(out.data(), static_cast<std::uint32_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

bytes header_only(std::uint32_t declared) {
  bytes out(record_header_size);
  write_record_header(out.data(), declared);
  return out;
}

/// Bodies of varied sizes (0 included) with distinct contents.
std::vector<bytes> sample_bodies() {
  std::vector<bytes> out;
  for (std::size_t size : {0, 1, 3, 4, 5, 17, 0, 100, 255, 1000, 0, 4096}) {
    bytes b(size);
    for (std::size_t i = 0; i < size; ++i)
      b[i] = static_cast<std::uint8_t>(i * 7 + out.size());
    out.push_back(std::move(b));
  }
  return out;
}

bytes stream_of(const std::vector<bytes>& bodies) {
  bytes out;
  for (const auto& b : bodies) {
    auto r = record(b);
    out.insert(out.end(), r.begin(), r.end());
  }
  return out;
}

/// Feeds `stream` cut at the given chunk sizes (the last one repeats) and
/// drains next() after every chunk.
std::vector<bytes> reassemble(byte_view stream, const std::vector<std::size_t>& cuts,
                              std::size_t cap = 1 << 20) {
  record_reader reader{cap};
  std::vector<bytes> out;
  std::size_t pos = 0;
  for (std::size_t i = 0; pos < stream.size(); ++i) {
    auto n = std::min(cuts[std::min(i, cuts.size() - 1)], stream.size() - pos);
    reader.feed(stream.subspan(pos, n));
    pos += n;
    while (true) {
      auto r = reader.next();
      REQUIRE(r);
      if (!*r)
        break;
      out.push_back(std::move(**r));
    }
  }
  CHECK(reader.buffered() == 0);
  return out;
}

} // namespace

TEST_CASE("record reader: one byte at a time and all at once give the same records") {
  auto bodies = sample_bodies();
  auto stream = stream_of(bodies);
  CHECK(reassemble(stream, {1}) == bodies);
  CHECK(reassemble(stream, {stream.size()}) == bodies);
  CHECK(reassemble(stream, {3, 5, 2}) == bodies);
}

TEST_CASE("record reader: random cuts from a seeded generator") {
  auto bodies = sample_bodies();
  auto stream = stream_of(bodies);
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    rng gen{seed};
    std::vector<std::size_t> cuts;
    for (std::size_t covered = 0; covered < stream.size();) {
      auto n = 1 + gen.below(64 * seed);
      cuts.push_back(n);
      covered += n;
    }
    INFO("seed " << seed);
    CHECK(reassemble(stream, cuts) == bodies);
  }
}

TEST_CASE("record reader: zero-length bodies are records too") {
  record_reader reader{16};
  auto stream = stream_of({{}, {}, {}});
  reader.feed(stream);
  for (int i = 0; i < 3; ++i) {
    auto r = reader.next();
    REQUIRE(r);
    REQUIRE(*r);
    CHECK((*r)->empty());
  }
  auto none = reader.next();
  REQUIRE(none);
  CHECK_FALSE(*none);
}

TEST_CASE("record reader: a body exactly at the cap passes") {
  record_reader reader{100};
  reader.feed(record(bytes(100, 0xab)));
  auto r = reader.next();
  REQUIRE(r);
  REQUIRE(*r);
  CHECK(**r == bytes(100, 0xab));
}

TEST_CASE("record reader: one over the cap fails before the body is buffered") {
  record_reader reader{100};
  reader.feed(header_only(101));
  auto r = reader.next();
  REQUIRE_FALSE(r);
  CHECK(r.error().declared == 101);
  CHECK(r.error().cap == 100);
  CHECK(reader.buffered() == 0);
}

TEST_CASE("record reader: a huge announced length never grows the buffer") {
  record_reader reader{1024};
  auto start = header_only(0xffffffffu);
  start.resize(start.size() + 10, 0x55); // the first bytes of the announced body
  reader.feed(start);
  auto r = reader.next();
  REQUIRE_FALSE(r);
  CHECK(r.error().declared == 0xffffffffu);
  CHECK(reader.buffered() == 0);
  reader.feed(bytes(4096, 0x55));
  CHECK(reader.buffered() == 0);
}

TEST_CASE("record reader: the cap in force when a header is parsed applies") {
  // Three records in one chunk: 10, 50, 10 bytes. The cap is lowered to 20
  // after the first, so the second header fails though it arrived with it.
  auto stream = stream_of({bytes(10, 1), bytes(50, 2), bytes(10, 3)});
  record_reader reader{64};
  reader.feed(stream);
  auto first = reader.next();
  REQUIRE(first);
  REQUIRE(*first);
  CHECK((*first)->size() == 10);
  reader.set_max_body(20);
  auto second = reader.next();
  REQUIRE_FALSE(second);
  CHECK(second.error().declared == 50);
  CHECK(second.error().cap == 20);
}

TEST_CASE("record reader: a raised cap lets the next header through in the same chunk") {
  // Handshake-sized cap first, the frame cap once the first record is taken.
  auto stream = stream_of({bytes(8, 1), bytes(500, 2)});
  record_reader reader{16};
  reader.feed(stream);
  auto first = reader.next();
  REQUIRE(first);
  REQUIRE(*first);
  reader.set_max_body(1000);
  CHECK(reader.max_body() == 1000);
  auto second = reader.next();
  REQUIRE(second);
  REQUIRE(*second);
  CHECK(**second == bytes(500, 2));
}

TEST_CASE("record reader: a dead stream stays dead") {
  record_reader reader{8};
  reader.feed(header_only(9));
  REQUIRE_FALSE(reader.next());
  reader.set_max_body(1 << 20);
  reader.feed(record(bytes(4, 1)));
  CHECK(reader.buffered() == 0);
  for (int i = 0; i < 3; ++i) {
    auto r = reader.next();
    REQUIRE_FALSE(r);
    CHECK(r.error().declared == 9);
    CHECK(r.error().cap == 8);
  }
}

TEST_CASE("record reader: held bytes stay within one cap plus one chunk") {
  // A long stream of records just under the cap, fed in chunks of 700 bytes:
  // compaction must keep the buffer from growing with the stream.
  constexpr std::size_t cap = 1000;
  constexpr std::size_t chunk = 700;
  std::vector<bytes> bodies(200, bytes(cap - 1, 9));
  auto stream = stream_of(bodies);
  record_reader reader{cap};
  std::size_t records = 0;
  for (std::size_t pos = 0; pos < stream.size(); pos += chunk) {
    reader.feed(byte_view{stream}.subspan(pos, std::min(chunk, stream.size() - pos)));
    CHECK(reader.buffered() <= record_header_size + cap + chunk);
    while (true) {
      auto r = reader.next();
      REQUIRE(r);
      if (!*r)
        break;
      ++records;
    }
    CHECK(reader.buffered() < record_header_size + cap);
  }
  CHECK(records == bodies.size());
}

TEST_CASE("record reader: headers are big endian") {
  std::uint8_t out[4];
  write_record_header(out, 0x01020304u);
  CHECK(out[0] == 1);
  CHECK(out[1] == 2);
  CHECK(out[2] == 3);
  CHECK(out[3] == 4);
}
