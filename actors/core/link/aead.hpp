#pragma once
// Authenticated encryption of the records of an established link (libsodium
// AEAD). Each direction has its own key and a 64-bit counter that is the
// nonce (little endian, zero padded to the cipher's nonce size). The counter
// is never sent: a replayed, dropped, reordered or altered record does not
// open, and the link is closed. No associated data.
//
// Ciphers: ChaCha20-Poly1305 (IETF) everywhere; AES-256-GCM where the CPU
// has AES-NI and CLMUL (libsodium's crypto_aead_aes256gcm_is_available()).
// The handshake announces the mask of what each side can run and both use
// choose_cipher(ours, theirs).
//
// AES-256-GCM has two implementations of the same cipher, picked per record
// by its size (the bytes on the wire are the same): libsodium's for small
// records, OpenSSL's (EVP, two to three times faster on large records, and
// twice slower on small ones for its per-call set-up) from 512 bytes on.

#include "actors/core/bytes.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

struct evp_cipher_ctx_st; // OpenSSL's EVP_CIPHER_CTX, kept out of this header

namespace mosaik::link {

namespace detail {
struct evp_free {
  void operator()(evp_cipher_ctx_st* ctx) const;
};
/// An OpenSSL AES-256-GCM context, keyed once for one direction.
using evp_context = std::unique_ptr<evp_cipher_ctx_st, evp_free>;
} // namespace detail

enum class cipher : std::uint8_t { chacha20_poly1305 = 1, aes256_gcm = 2 };

/// Bitmask of the ciphers this machine runs (bit = the enum's value).
std::uint8_t available_ciphers();

/// AES-256-GCM when both masks have it, else ChaCha20-Poly1305 when both
/// have that, else nullopt.
std::optional<cipher> choose_cipher(std::uint8_t ours, std::uint8_t theirs);

using key256 = std::array<std::uint8_t, 32>;

/// Bytes a sealed record adds to its plaintext (the tag).
inline constexpr std::size_t aead_overhead = 16;

/// Seals the records one side sends.
class aead_sealer {
public:
  aead_sealer(cipher c, const key256& key);

  /// Writes the record header and the sealed body of `plain` to `out`, which
  /// must have room for record_header_size + plain.size() + aead_overhead
  /// bytes; returns that size. Advances the counter.
  std::size_t seal_record(byte_view plain, std::uint8_t* out);

  /// The same in place: `record` holds record_header_size bytes of room,
  /// then the `plain_size` bytes of plaintext, then aead_overhead bytes of
  /// room; the header is written and the plaintext sealed where it is.
  std::size_t seal_in_place(std::uint8_t* record, std::size_t plain_size);

  std::uint64_t counter() const { return counter_; }

private:
  /// Seals `plain` into `out` (which may be `plain` itself) and writes the
  /// header before `out`.
  std::size_t seal(const std::uint8_t* plain, std::size_t plain_size, std::uint8_t* out);

  cipher cipher_;
  key256 key_;
  alignas(16) std::array<unsigned char, 512> aes_state_{}; // precomputed AES-GCM key schedule
  detail::evp_context evp_;                                 // AES-256-GCM for large records
  std::uint64_t counter_ = 0;
};

/// Opens the records the other side sent.
class aead_opener {
public:
  aead_opener(cipher c, const key256& key);

  /// The plaintext of `body` (one record body, tag included), or nullopt when
  /// it does not authenticate under the next counter (the counter does not
  /// advance then, and the caller closes the link).
  std::optional<bytes> open(byte_view body);

  /// The same in place: on success `body` becomes its plaintext (decrypted
  /// where it is, the tag cut off); on failure false, and `body` holds
  /// nothing usable.
  bool open_in_place(bytes& body);

  std::uint64_t counter() const { return counter_; }

private:
  cipher cipher_;
  key256 key_;
  alignas(16) std::array<unsigned char, 512> aes_state_{};
  detail::evp_context evp_;
  std::uint64_t counter_ = 0;
};

} // namespace mosaik::link
