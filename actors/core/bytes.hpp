#pragma once
// Byte buffers and views used across the pure core.

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mosaik {

using bytes = std::vector<std::uint8_t>;
using byte_view = std::span<const std::uint8_t>;

inline byte_view as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

/// Lowercase hex of `data`.
std::string to_hex(byte_view data);

/// Decodes hex (either case). nullopt on odd length or a non-hex character.
std::optional<bytes> from_hex(std::string_view text);

/// Exactly N bytes as an array; nullopt for any other length.
template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> to_array(byte_view data) {
  if (data.size() != N)
    return std::nullopt;
  std::array<std::uint8_t, N> out;
  std::copy(data.begin(), data.end(), out.begin());
  return out;
}

/// Exactly 2N hex characters as an array of N bytes; nullopt otherwise.
template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> array_from_hex(std::string_view text) {
  if (text.size() != 2 * N)
    return std::nullopt;
  auto decoded = from_hex(text);
  if (!decoded)
    return std::nullopt;
  return to_array<N>(*decoded);
}

} // namespace mosaik
