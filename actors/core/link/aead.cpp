#include "actors/core/link/aead.hpp"

#include "actors/core/link/record_reader.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace mosaik::link {

namespace {

static_assert(crypto_aead_chacha20poly1305_IETF_ABYTES == aead_overhead);
static_assert(crypto_aead_aes256gcm_ABYTES == aead_overhead);
static_assert(crypto_aead_chacha20poly1305_IETF_NPUBBYTES == crypto_aead_aes256gcm_NPUBBYTES);
static_assert(crypto_aead_chacha20poly1305_IETF_KEYBYTES == sizeof(key256));
static_assert(crypto_aead_aes256gcm_KEYBYTES == sizeof(key256));
static_assert(sizeof(crypto_aead_aes256gcm_state) <= 512);
static_assert(alignof(crypto_aead_aes256gcm_state) <= 16);

using nonce_bytes = std::array<unsigned char, crypto_aead_aes256gcm_NPUBBYTES>;

constexpr auto last_counter = std::numeric_limits<std::uint64_t>::max();

/// Always on: a counter that wrapped would reuse a nonce under the same key.
void check_counter(const char* who, std::uint64_t counter) {
  if (counter == last_counter) {
    std::fprintf(stderr, "mosaik: %s counter exhausted at %llu; a wrap would reuse a nonce\n",
                 who, static_cast<unsigned long long>(counter));
    std::abort();
  }
}

nonce_bytes nonce_of(std::uint64_t counter) {
  nonce_bytes n{};
  for (std::size_t i = 0; i < 8; ++i)
    n[i] = static_cast<unsigned char>(counter >> (8 * i));
  return n;
}

std::uint8_t mask_of(cipher c) {
  return static_cast<std::uint8_t>(c);
}

void check_available(cipher c) {
  if ((available_ciphers() & mask_of(c)) == 0) {
    std::fprintf(stderr, "mosaik: cipher %d chosen but not available here (mask %d)\n",
                 static_cast<int>(c), static_cast<int>(available_ciphers()));
    std::abort();
  }
}

crypto_aead_aes256gcm_state* aes_state(std::array<unsigned char, 512>& raw) {
  return reinterpret_cast<crypto_aead_aes256gcm_state*>(raw.data());
}

/// From this plaintext size on, AES-256-GCM records go through OpenSSL
/// (measured crossover on this project's machines: 256 to 512 bytes).
constexpr std::size_t evp_from = 512;

/// Always on: OpenSSL failing an AES-GCM call on valid arguments is a broken
/// library or memory, not something to go on from.
void check_evp(int rc, const char* what) {
  if (rc != 1) {
    std::fprintf(stderr, "mosaik: OpenSSL AES-256-GCM %s failed (%d)\n", what, rc);
    std::abort();
  }
}

detail::evp_context evp_keyed(const key256& key, bool encrypt) {
  detail::evp_context ctx{EVP_CIPHER_CTX_new()};
  if (!ctx)
    check_evp(0, "context allocation");
  check_evp(EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nullptr, encrypt ? 1 : 0),
            "key set-up");
  return ctx;
}

/// Seals `size` bytes at `plain` into `out` (which may be `plain`), the tag after them.
void evp_seal(evp_cipher_ctx_st* ctx, const nonce_bytes& nonce, const std::uint8_t* plain,
              std::size_t size, std::uint8_t* out) {
  check_evp(size <= std::numeric_limits<int>::max() ? 1 : 0, "size");
  int n = 0;
  check_evp(EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data()), "nonce");
  check_evp(EVP_EncryptUpdate(ctx, out, &n, plain, static_cast<int>(size)), "encrypt");
  check_evp(EVP_EncryptFinal_ex(ctx, out + n, &n), "encrypt final");
  check_evp(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, aead_overhead, out + size), "tag");
}

/// Opens `body` (ciphertext then tag) in place; false when it does not authenticate.
bool evp_open(evp_cipher_ctx_st* ctx, const nonce_bytes& nonce, std::uint8_t* body, std::size_t size) {
  auto plain_size = size - aead_overhead;
  check_evp(plain_size <= std::numeric_limits<int>::max() ? 1 : 0, "size");
  std::array<std::uint8_t, aead_overhead> tag;
  std::copy(body + plain_size, body + size, tag.begin());
  int n = 0;
  check_evp(EVP_DecryptInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data()), "nonce");
  check_evp(EVP_DecryptUpdate(ctx, body, &n, body, static_cast<int>(plain_size)), "decrypt");
  check_evp(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, aead_overhead, tag.data()), "tag");
  return EVP_DecryptFinal_ex(ctx, body + n, &n) == 1;
}

} // namespace

void detail::evp_free::operator()(evp_cipher_ctx_st* ctx) const {
  EVP_CIPHER_CTX_free(ctx);
}

std::uint8_t available_ciphers() {
  // sodium_init is idempotent; it must run before the CPU features are known.
  if (sodium_init() < 0)
    return 0;
  auto mask = mask_of(cipher::chacha20_poly1305);
  if (crypto_aead_aes256gcm_is_available() != 0)
    mask |= mask_of(cipher::aes256_gcm);
  return mask;
}

std::optional<cipher> choose_cipher(std::uint8_t ours, std::uint8_t theirs) {
  auto common = ours & theirs;
  for (auto c : {cipher::aes256_gcm, cipher::chacha20_poly1305})
    if (common & mask_of(c))
      return c;
  return std::nullopt;
}

aead_sealer::aead_sealer(cipher c, const key256& key) : cipher_(c), key_(key) {
  check_available(c);
  if (c == cipher::aes256_gcm) {
    crypto_aead_aes256gcm_beforenm(aes_state(aes_state_), key_.data());
    evp_ = evp_keyed(key_, true);
  }
}

std::size_t aead_sealer::seal_record(byte_view plain, std::uint8_t* out) {
  return seal(plain.data(), plain.size(), out + record_header_size);
}

std::size_t aead_sealer::seal_in_place(std::uint8_t* record, std::size_t plain_size) {
  auto* plain = record + record_header_size;
  return seal(plain, plain_size, plain);
}

// libsodium's AEAD functions allow the ciphertext to overwrite the plaintext
// (tests/unit/link_aead_test.cpp checks that in place and apart agree).
std::size_t aead_sealer::seal(const std::uint8_t* plain, std::size_t plain_size, std::uint8_t* out) {
  check_counter("seal", counter_);
  auto body_size = plain_size + aead_overhead;
  if (body_size > std::numeric_limits<std::uint32_t>::max()) {
    std::fprintf(stderr, "mosaik: record of %zu bytes does not fit a header\n", plain_size);
    std::abort();
  }
  write_record_header(out - record_header_size, static_cast<std::uint32_t>(body_size));
  auto nonce = nonce_of(counter_);
  unsigned long long sealed_size = 0;
  if (cipher_ == cipher::aes256_gcm && plain_size >= evp_from)
    evp_seal(evp_.get(), nonce, plain, plain_size, out);
  else if (cipher_ == cipher::aes256_gcm)
    crypto_aead_aes256gcm_encrypt_afternm(out, &sealed_size, plain, plain_size, nullptr, 0, nullptr,
                                          nonce.data(), aes_state(aes_state_));
  else
    crypto_aead_chacha20poly1305_ietf_encrypt(out, &sealed_size, plain, plain_size, nullptr, 0,
                                              nullptr, nonce.data(), key_.data());
  ++counter_;
  return record_header_size + body_size;
}

aead_opener::aead_opener(cipher c, const key256& key) : cipher_(c), key_(key) {
  check_available(c);
  if (c == cipher::aes256_gcm) {
    crypto_aead_aes256gcm_beforenm(aes_state(aes_state_), key_.data());
    evp_ = evp_keyed(key_, false);
  }
}

std::optional<bytes> aead_opener::open(byte_view body) {
  bytes plain(body.begin(), body.end());
  if (!open_in_place(plain))
    return std::nullopt;
  return plain;
}

bool aead_opener::open_in_place(bytes& body) {
  if (body.size() < aead_overhead)
    return false;
  check_counter("open", counter_);
  auto nonce = nonce_of(counter_);
  auto* data = body.data();
  if (cipher_ == cipher::aes256_gcm && body.size() - aead_overhead >= evp_from) {
    if (!evp_open(evp_.get(), nonce, data, body.size()))
      return false;
    ++counter_;
    body.resize(body.size() - aead_overhead);
    return true;
  }
  unsigned long long plain_size = 0;
  int rc = cipher_ == cipher::aes256_gcm
             ? crypto_aead_aes256gcm_decrypt_afternm(data, &plain_size, nullptr, data, body.size(),
                                                     nullptr, 0, nonce.data(), aes_state(aes_state_))
             : crypto_aead_chacha20poly1305_ietf_decrypt(data, &plain_size, nullptr, data,
                                                         body.size(), nullptr, 0, nonce.data(),
                                                         key_.data());
  if (rc != 0)
    return false;
  ++counter_;
  body.resize(plain_size);
  return true;
}

} // namespace mosaik::link
