#pragma once
// For codec tests: rewrite, in an encoded one-segment Cap'n Proto message,
// the pointer to a 32-byte list (an id or a key) so that it announces
// another length, making a message our encoders cannot write.

#include "actors/core/bytes.hpp"

#include <algorithm>
#include <cstdint>

namespace mosaik::test {

/// Rewrites the list pointer to the 32 bytes that all equal `fill` to
/// announce `count` bytes instead; count 0 nulls it (an absent field).
/// False when no such list is found.
inline bool set_byte_list_length(bytes& encoded, std::uint8_t fill, std::uint32_t count) {
  constexpr std::size_t table = 8; // segment count and size
  auto words = (encoded.size() - table) / 8;
  auto word = [&](std::size_t i) {
    std::uint64_t w = 0;
    for (int b = 7; b >= 0; --b)
      w = w << 8 | encoded[table + 8 * i + static_cast<std::size_t>(b)];
    return w;
  };
  for (std::size_t i = 0; i < words; ++i) {
    auto w = word(i);
    bool byte_list = (w & 3) == 1 && ((w >> 32) & 7) == 2 && (w >> 35) == 32;
    if (!byte_list)
      continue;
    auto target = static_cast<std::int64_t>(i) + 1 + (static_cast<std::int32_t>(w & 0xffffffffu) >> 2);
    auto at = table + 8 * static_cast<std::size_t>(target);
    if (target < 0 || at + 32 > encoded.size() ||
        !std::all_of(encoded.begin() + static_cast<std::ptrdiff_t>(at),
                     encoded.begin() + static_cast<std::ptrdiff_t>(at + 32),
                     [fill](std::uint8_t b) { return b == fill; }))
      continue;
    std::uint64_t patched = count == 0 ? 0 : (w & 0x7ffffffffull) | std::uint64_t{count} << 35;
    for (int b = 0; b < 8; ++b)
      encoded[table + 8 * i + static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(patched >> (8 * b));
    return true;
  }
  return false;
}

} // namespace mosaik::test
