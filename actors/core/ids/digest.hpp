#pragma once
// A 32-byte BLAKE2b-256 digest: the value behind every identifier.

#include "actors/core/bytes.hpp"

#include <array>
#include <cstring>
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mosaik {

class digest {
public:
  static constexpr size_t size = 32;
  using array_type = std::array<std::uint8_t, size>;

  /// All zero bytes.
  constexpr digest() = default;
  constexpr explicit digest(const array_type& raw) : bytes_(raw) {}

  /// BLAKE2b-256 of `data` (libsodium crypto_generichash, no key).
  static digest hash(byte_view data);

  /// Intent addressing: a string of exactly 64 hex characters decodes as
  /// those bytes; any other string is hashed as its UTF-8 bytes.
  static digest from(std::string_view text);

  /// Exactly 32 bytes, verbatim; nullopt for any other length.
  static std::optional<digest> from_bytes(byte_view data);

  /// Exactly 64 hex characters; nullopt otherwise.
  static std::optional<digest> from_hex(std::string_view text);

  /// hash(own 32 bytes || data)
  digest derive(byte_view data) const;
  digest derive(std::string_view text) const { return derive(as_bytes(text)); }
  digest derive(const digest& other) const { return derive(other.view()); }

  const array_type& raw() const { return bytes_; }
  byte_view view() const { return {bytes_.data(), bytes_.size()}; }
  bool is_zero() const;

  /// 64 lowercase hex characters.
  std::string hex() const;
  /// The first 5 bytes as 10 hex characters, for logs.
  std::string short_hex() const;

  friend auto operator<=>(const digest&, const digest&) = default;

private:
  array_type bytes_{};
};

} // namespace mosaik

template <>
struct std::hash<mosaik::digest> {
  size_t operator()(const mosaik::digest& d) const noexcept {
    // The bytes are already uniformly distributed (a hash or a public key).
    size_t h;
    static_assert(sizeof(h) <= mosaik::digest::size);
    std::memcpy(&h, d.raw().data(), sizeof(h));
    return h;
  }
};
