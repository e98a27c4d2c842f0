#include "schemas/codec/crc32c.hpp"

#include <array>

namespace mosaik::codec {

namespace {

constexpr std::uint32_t polynomial = 0x82f63b78u; // Castagnoli, reflected

// Slicing-by-8: table[k][b] is the CRC of byte b followed by k zero bytes.
constexpr auto make_tables() {
  std::array<std::array<std::uint32_t, 256>, 8> t{};
  for (std::uint32_t b = 0; b < 256; ++b) {
    auto crc = b;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ ((crc & 1u) != 0 ? polynomial : 0u);
    t[0][b] = crc;
  }
  for (std::size_t k = 1; k < 8; ++k)
    for (std::size_t b = 0; b < 256; ++b)
      t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xffu];
  return t;
}

constexpr auto tables = make_tables();

} // namespace

crc32c& crc32c::add(byte_view data) noexcept {
  auto crc = state_;
  const auto* p = data.data();
  auto n = data.size();
  for (; n >= 8; p += 8, n -= 8) {
    auto lo = crc ^ (std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16
                     | std::uint32_t{p[3]} << 24);
    crc = tables[7][lo & 0xffu] ^ tables[6][(lo >> 8) & 0xffu] ^ tables[5][(lo >> 16) & 0xffu]
          ^ tables[4][lo >> 24] ^ tables[3][p[4]] ^ tables[2][p[5]] ^ tables[1][p[6]]
          ^ tables[0][p[7]];
  }
  for (; n > 0; ++p, --n)
    crc = (crc >> 8) ^ tables[0][(crc ^ *p) & 0xffu];
  state_ = crc;
  return *this;
}

crc32c& crc32c::add_u64(std::uint64_t v) noexcept {
  std::array<std::uint8_t, 8> le;
  for (std::size_t i = 0; i < le.size(); ++i)
    le[i] = static_cast<std::uint8_t>(v >> (8 * i));
  return add(le);
}

crc32c& crc32c::add_u32(std::uint32_t v) noexcept {
  std::array<std::uint8_t, 4> le;
  for (std::size_t i = 0; i < le.size(); ++i)
    le[i] = static_cast<std::uint8_t>(v >> (8 * i));
  return add(le);
}

crc32c& crc32c::add_u8(std::uint8_t v) noexcept {
  return add(byte_view{&v, 1});
}

} // namespace mosaik::codec
