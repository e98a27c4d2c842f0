#include "schemas/codec/crc32c.hpp"

#include <doctest/doctest.h>

#include <random>

using mosaik::bytes;
using mosaik::byte_view;
using mosaik::codec::crc32c;

namespace {

// Bit-at-a-time reference: no tables, no slicing.
std::uint32_t reference(byte_view data) {
  std::uint32_t crc = 0xffffffffu;
  for (auto b : data) {
    crc ^= b;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ ((crc & 1u) != 0 ? 0x82f63b78u : 0u);
  }
  return ~crc;
}

} // namespace

TEST_CASE("crc32c: known answers (RFC 3720 B.4 and the check value)") {
  CHECK(crc32c::of(mosaik::as_bytes("123456789")) == 0xe3069283u);
  CHECK(crc32c::portable(mosaik::as_bytes("123456789")) == 0xe3069283u);
  CHECK(crc32c::of({}) == 0u);
  CHECK(crc32c::of(bytes(32, 0x00)) == 0x8a9136aau);
  CHECK(crc32c::of(bytes(32, 0xff)) == 0x62a8ab43u);
  bytes ascending(32);
  for (std::size_t i = 0; i < ascending.size(); ++i)
    ascending[i] = static_cast<std::uint8_t>(i);
  CHECK(crc32c::of(ascending) == 0x46dd794eu);
}

TEST_CASE("crc32c: slicing matches the bitwise reference at every length and split") {
  std::mt19937 rng(7);
  bytes data(300);
  for (auto& b : data)
    b = static_cast<std::uint8_t>(rng());
  for (std::size_t n = 0; n <= data.size(); n += 1 + n / 16) {
    byte_view prefix{data.data(), n};
    CHECK(crc32c::of(prefix) == reference(prefix));
    CHECK(crc32c::portable(prefix) == reference(prefix));
    auto split = n / 3;
    CHECK(crc32c{}.add(prefix.first(split)).add(prefix.subspan(split)).value()
          == reference(prefix));
  }
}

TEST_CASE("crc32c: integers are fed little-endian") {
  bytes le{0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0xaa, 0xbb, 0xcc, 0xdd, 0x7f};
  CHECK(crc32c{}.add_u64(0x0102030405060708u).add_u32(0xddccbbaau).add_u8(0x7f).value()
        == reference(le));
}
