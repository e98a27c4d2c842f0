#pragma once
// Builds the canonical byte strings that discovery signs: big-endian
// integers and length-prefixed fields, so two different values can never
// encode to the same bytes.

#include "actors/core/bytes.hpp"

#include <cstdint>
#include <string_view>

namespace mosaik::discovery {

class canonical_writer {
public:
  explicit canonical_writer(std::string_view domain) { text(domain); }

  void u16(std::uint16_t v) { put(v, 2); }
  void u32(std::uint32_t v) { put(v, 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  /// Fixed-size bytes (ids, keys): no length prefix.
  void raw(byte_view v) { out_.insert(out_.end(), v.begin(), v.end()); }
  /// Variable-size bytes: a 32-bit length, then the bytes.
  void blob(byte_view v) {
    u32(static_cast<std::uint32_t>(v.size()));
    raw(v);
  }
  void text(std::string_view v) { blob(as_bytes(v)); }

  const bytes& data() const { return out_; }

private:
  void put(std::uint64_t v, int width) {
    for (int shift = 8 * (width - 1); shift >= 0; shift -= 8)
      out_.push_back(static_cast<std::uint8_t>(v >> shift));
  }

  bytes out_;
};

} // namespace mosaik::discovery
