#include "actors/core/link/handshake.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace mosaik::link {

namespace {

constexpr std::string_view keys_domain = "mosaik/link/keys/v2";
constexpr std::string_view binding_domain = "mosaik/link/binding/v2";

static_assert(crypto_kx_PUBLICKEYBYTES == sizeof(wire::hello::kx_public));
static_assert(crypto_kx_SEEDBYTES == 32);
static_assert(crypto_kx_SESSIONKEYBYTES == sizeof(key256));

/// A crypto_kx session key bound to this transcript: BLAKE2b-256 keyed with
/// it over (keys_domain || BLAKE2b-256 of the common transcript).
key256 bind_key(const key256& kx_key, const digest& common) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, kx_key.data(), kx_key.size(), sizeof(key256));
  crypto_generichash_update(&state, as_bytes(keys_domain).data(), keys_domain.size());
  crypto_generichash_update(&state, common.raw().data(), common.size);
  key256 out;
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

digest channel_binding(byte_view common) {
  bytes input(binding_domain.begin(), binding_domain.end());
  input.insert(input.end(), common.begin(), common.end());
  return digest::hash(input);
}

} // namespace

handshake::handshake(side own_side, const local_identity& me, const wire::nonce& fresh,
                     const std::array<std::uint8_t, 32>& ephemeral_seed)
  : side_(own_side), me_(me) {
  local_.network = me.network;
  local_.peer = me.self;
  local_.protocol_version = me.version;
  local_.listen_address = me.listen;
  local_.nonce = fresh;
  local_.role = me.role;
  local_.ciphers = me.ciphers;
  crypto_kx_seed_keypair(local_.kx_public.data(), kx_secret_.data(), ephemeral_seed.data());
}

std::optional<wire::close_reason> handshake::fail(wire::close_reason r) {
  state_ = state::failed;
  sodium_memzero(kx_secret_.data(), kx_secret_.size());
  return r;
}

std::optional<wire::close_reason> handshake::receive_hello(const wire::hello& remote,
                                                           replay_guard& guard) {
  using wire::close_reason;
  if (state_ != state::awaiting_hello)
    return fail(close_reason::protocol_violation);
  if (remote.network != me_.network)
    return fail(close_reason::different_network);
  if (remote.protocol_version < me_.min_version || remote.protocol_version > me_.version)
    return fail(close_reason::version_mismatch);
  auto chosen = choose_cipher(local_.ciphers, remote.ciphers);
  if (!chosen)
    return fail(close_reason::version_mismatch);
  if (remote.peer == me_.self)
    return fail(close_reason::self_connection);
  // Only a dialer may be a client; the side that accepts is always a node.
  if (side_ == side::dialer && remote.role != wire::role::node)
    return fail(close_reason::protocol_violation);
  if (remote.nonce == local_.nonce || !guard.admit(remote.nonce))
    return fail(close_reason::stale_proof);
  remote_ = remote;
  if (!derive_session(*chosen))
    return fail(close_reason::protocol_violation);
  state_ = state::awaiting_proof;
  return std::nullopt;
}

bool handshake::derive_session(cipher chosen) {
  key256 rx;
  key256 tx;
  // crypto_kx refuses a public key of small order (an all-zero shared secret).
  int rc = side_ == side::dialer
             ? crypto_kx_client_session_keys(rx.data(), tx.data(), local_.kx_public.data(),
                                             kx_secret_.data(), remote_.kx_public.data())
             : crypto_kx_server_session_keys(rx.data(), tx.data(), local_.kx_public.data(),
                                             kx_secret_.data(), remote_.kx_public.data());
  sodium_memzero(kx_secret_.data(), kx_secret_.size());
  if (rc != 0)
    return false;
  const auto& dialer = side_ == side::dialer ? local_ : remote_;
  const auto& acceptor = side_ == side::dialer ? remote_ : local_;
  auto common = transcript_common(dialer, acceptor);
  auto common_digest = digest::hash(common);
  session_ = link_session{chosen, bind_key(tx, common_digest), bind_key(rx, common_digest),
                          channel_binding(common)};
  sodium_memzero(rx.data(), rx.size());
  sodium_memzero(tx.data(), tx.size());
  return true;
}

link_session handshake::session() const {
  if (!session_) {
    std::fprintf(stderr, "mosaik: handshake::session() in state %d, before a hello was accepted\n",
                 static_cast<int>(state_));
    std::abort();
  }
  return *session_;
}

wire::proof handshake::make_proof(const secret_key& key) const {
  const auto& dialer = side_ == side::dialer ? local_ : remote_;
  const auto& acceptor = side_ == side::dialer ? remote_ : local_;
  return wire::proof{key.sign(transcript(side_, dialer, acceptor))};
}

std::optional<wire::close_reason> handshake::receive_proof(const wire::proof& p) {
  if (state_ != state::awaiting_proof)
    return fail(wire::close_reason::protocol_violation);
  const auto& dialer = side_ == side::dialer ? local_ : remote_;
  const auto& acceptor = side_ == side::dialer ? remote_ : local_;
  auto remote_side = side_ == side::dialer ? side::acceptor : side::dialer;
  if (!verify(remote_.peer, transcript(remote_side, dialer, acceptor), p.sig))
    return fail(wire::close_reason::invalid_signature);
  state_ = state::done;
  return std::nullopt;
}

} // namespace mosaik::link
