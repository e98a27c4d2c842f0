#include "schemas/codec/crc32c.hpp"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

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

#if defined(__x86_64__)
// SSE4.2's crc32 instruction computes exactly this polynomial, 8 bytes per
// instruction; on the commit path it is several times faster than slicing.
__attribute__((target("sse4.2"))) std::uint32_t add_sse42(std::uint32_t crc, byte_view data) {
  const auto* p = data.data();
  auto n = data.size();
  std::uint64_t wide = crc;
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof(word));
    wide = _mm_crc32_u64(wide, word);
  }
  crc = static_cast<std::uint32_t>(wide);
  for (; n > 0; ++p, --n)
    crc = _mm_crc32_u8(crc, *p);
  return crc;
}

// Read once at start-up. Before it is set (another translation unit's static
// initialisation) it is false and the tables are used: the same result.
const bool have_sse42 = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2") != 0;
}();
#endif

std::uint32_t add_sliced(std::uint32_t crc, byte_view data) {
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
  return crc;
}

} // namespace

crc32c& crc32c::add(byte_view data) noexcept {
#if defined(__x86_64__)
  if (have_sse42) {
    state_ = add_sse42(state_, data);
    return *this;
  }
#endif
  state_ = add_sliced(state_, data);
  return *this;
}

std::uint32_t crc32c::portable(byte_view data) noexcept {
  return ~add_sliced(0xffffffffu, data);
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
