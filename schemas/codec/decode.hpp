#pragma once
// Limits and typed errors shared by every decoder in schemas/codec. No
// Cap'n Proto types here: callers see only C++ values and these errors.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mosaik::codec {

struct decode_limits {
  /// Hard cap on an encoded message, checked before anything is parsed.
  std::size_t max_bytes = 16u << 20;
  /// Smaller cap for link control frames (hello, proof, close, heartbeats).
  std::size_t max_control_bytes = 1u << 20;
  /// Cap'n Proto traversal limit, as a multiple of the message size; bounds
  /// the work an amplification attack (shared pointers) can cause.
  std::uint64_t traversal_factor = 8;
  /// Cap'n Proto nesting limit (its default).
  int nesting_limit = 64;
};

enum class decode_errc {
  too_large,   // over the size cap; nothing was parsed
  truncated,   // empty or not a whole number of 8-byte words
  malformed,   // Cap'n Proto rejected the structure (bad pointers, limits, ...)
  unknown_kind,// an enum value this version does not know
  bad_field,   // a field is out of range (wrong id length, oversized text, ...)
  checksum_mismatch, // a stored record's checksum does not match its fields
};

std::string_view to_string(decode_errc code);

struct decode_error {
  decode_errc code;
  std::string detail;
};

} // namespace mosaik::codec
