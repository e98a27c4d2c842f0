#pragma once
// Byte buffers and views used across the pure core.

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

} // namespace mosaik
