#include "actors/core/ids/keys.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

namespace mosaik {

static_assert(crypto_sign_PUBLICKEYBYTES == peer_id::size);
static_assert(crypto_sign_BYTES == signature::size);
static_assert(crypto_sign_SEEDBYTES == secret_key::seed_size);
static_assert(crypto_sign_SECRETKEYBYTES == 64);

namespace {

void ensure_sodium() {
  // sodium_init is idempotent and thread-safe; -1 means no usable entropy.
  if (sodium_init() < 0)
    throw std::runtime_error("libsodium failed to initialise");
}

} // namespace

std::optional<peer_id> peer_id::from_bytes(byte_view data) {
  if (auto raw = to_array<size>(data))
    return peer_id{*raw};
  return std::nullopt;
}

std::optional<peer_id> peer_id::from_hex(std::string_view text) {
  if (auto raw = array_from_hex<size>(text))
    return peer_id{*raw};
  return std::nullopt;
}

std::optional<signature> signature::from_bytes(byte_view data) {
  if (auto raw = to_array<size>(data))
    return signature{*raw};
  return std::nullopt;
}

bool verify(const peer_id& signer, byte_view message, const signature& sig) {
  return crypto_sign_verify_detached(sig.raw.data(), message.data(), message.size(),
                                     signer.raw().data())
         == 0;
}

secret_key secret_key::generate() {
  ensure_sodium();
  seed_type seed;
  randombytes_buf(seed.data(), seed.size());
  auto key = from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

secret_key secret_key::from_seed(const seed_type& seed) {
  ensure_sodium();
  secret_key key;
  peer_id::array_type pk;
  crypto_sign_seed_keypair(pk.data(), key.secret_.data(), seed.data());
  key.public_ = peer_id{pk};
  return key;
}

secret_key::secret_key(secret_key&& other) noexcept
  : secret_(other.secret_), public_(other.public_) {
  other.wipe();
}

secret_key& secret_key::operator=(secret_key&& other) noexcept {
  if (this != &other) {
    secret_ = other.secret_;
    public_ = other.public_;
    other.wipe();
  }
  return *this;
}

secret_key::~secret_key() {
  wipe();
}

void secret_key::wipe() noexcept {
  sodium_memzero(secret_.data(), secret_.size());
}

secret_key::seed_type secret_key::seed() const {
  seed_type out;
  crypto_sign_ed25519_sk_to_seed(out.data(), secret_.data());
  return out;
}

signature secret_key::sign(byte_view message) const {
  signature sig;
  crypto_sign_detached(sig.raw.data(), nullptr, message.data(), message.size(),
                       secret_.data());
  return sig;
}

} // namespace mosaik
