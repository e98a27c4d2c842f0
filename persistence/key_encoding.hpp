#pragma once
// Log keys are big-endian u64 indexes, so LMDB's default byte-wise key order
// is index order (MDB_INTEGERKEY would need native byte order) and appends
// always go to the end of the tree.

#include "actors/core/bytes.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace mosaik::persistence {

using index_key = std::array<std::uint8_t, 8>;

inline index_key encode_index(std::uint64_t index) {
  index_key key;
  for (std::size_t i = 0; i < key.size(); ++i)
    key[i] = static_cast<std::uint8_t>(index >> (8 * (key.size() - 1 - i)));
  return key;
}

/// nullopt unless `key` is exactly 8 bytes.
inline std::optional<std::uint64_t> decode_index(byte_view key) {
  if (key.size() != sizeof(std::uint64_t))
    return std::nullopt;
  std::uint64_t index = 0;
  for (auto b : key)
    index = (index << 8) | b;
  return index;
}

} // namespace mosaik::persistence
