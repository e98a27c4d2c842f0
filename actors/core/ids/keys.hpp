#pragma once
// Node identity: Ed25519 keys (libsodium). A peer id is the public key.

#include "actors/core/bytes.hpp"

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mosaik {

/// The 32-byte Ed25519 public key of a node.
class peer_id {
public:
  static constexpr size_t size = 32;
  using array_type = std::array<std::uint8_t, size>;

  constexpr peer_id() = default;
  constexpr explicit peer_id(const array_type& raw) : bytes_(raw) {}

  static std::optional<peer_id> from_bytes(byte_view data);
  /// Exactly 64 hex characters; nullopt otherwise.
  static std::optional<peer_id> from_hex(std::string_view text);

  const array_type& raw() const { return bytes_; }
  byte_view view() const { return {bytes_.data(), bytes_.size()}; }
  std::string hex() const { return to_hex(view()); }
  std::string short_hex() const { return to_hex(view().first(5)); }

  friend auto operator<=>(const peer_id&, const peer_id&) = default;

private:
  array_type bytes_{};
};

/// A 64-byte Ed25519 signature.
struct signature {
  static constexpr size_t size = 64;
  std::array<std::uint8_t, size> raw{};

  static std::optional<signature> from_bytes(byte_view data);
  byte_view view() const { return {raw.data(), raw.size()}; }
  friend bool operator==(const signature&, const signature&) = default;
};

/// True when `sig` is `signer`'s signature of `message`.
bool verify(const peer_id& signer, byte_view message, const signature& sig);

/// An Ed25519 secret key. Move-only; the key material is wiped on destruction.
class secret_key {
public:
  static constexpr size_t seed_size = 32;
  using seed_type = std::array<std::uint8_t, seed_size>;

  /// A fresh key from the operating system's randomness.
  static secret_key generate();
  /// The key for a given 32-byte seed (deterministic; for tests and key files).
  static secret_key from_seed(const seed_type& seed);

  secret_key(secret_key&& other) noexcept;
  secret_key& operator=(secret_key&& other) noexcept;
  secret_key(const secret_key&) = delete;
  secret_key& operator=(const secret_key&) = delete;
  ~secret_key();

  const peer_id& public_id() const { return public_; }
  /// The 32-byte seed the key was made from (what a key file stores).
  seed_type seed() const;
  signature sign(byte_view message) const;

private:
  secret_key() = default;
  void wipe() noexcept;

  std::array<std::uint8_t, 64> secret_{}; // libsodium layout: seed || public key
  peer_id public_;
};

} // namespace mosaik

template <>
struct std::hash<mosaik::peer_id> {
  size_t operator()(const mosaik::peer_id& id) const noexcept {
    size_t h;
    std::memcpy(&h, id.raw().data(), sizeof(h));
    return h;
  }
};
