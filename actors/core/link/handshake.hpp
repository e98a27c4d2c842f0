#pragma once
// The link handshake as a pure state machine (DESIGN section 4).
//
//   dialer                         acceptor
//   hello(d)  ------------------>  receive_hello: network, version, self, replay
//             <------------------  hello(a)
//   receive_hello(a), proof(d) -->  receive_proof(d)
//             <------------------  proof(a)
//   receive_proof(a)
//
// Each proof signs transcript(side, hello(d), hello(a)), so it binds both
// nonces, both ids, the network, both ephemeral X25519 keys and both cipher
// masks. Once the peer's hello is in, the X25519 exchange gives each
// direction its AEAD key, bound to the transcript. The caller supplies the
// fresh nonce, the ephemeral seed, the key and the replay guard; the machine
// does no I/O and reads no clock.

#include "actors/core/ids/digest.hpp"
#include "actors/core/ids/keys.hpp"
#include "actors/core/link/aead.hpp"
#include "actors/core/link/link_config.hpp"
#include "actors/core/link/replay_guard.hpp"
#include "actors/core/link/transcript.hpp"
#include "actors/core/wire/handshake.hpp"

#include <optional>

namespace mosaik::link {

/// What a side announces about itself.
struct local_identity {
  network_id network;
  peer_id self;
  wire::endpoint listen;
  wire::role role = wire::role::node;
  std::uint32_t version = protocol_version;     // announced protocol version
  std::uint32_t min_version = protocol_version; // oldest remote version accepted
  std::uint8_t ciphers = available_ciphers();   // mask of link::cipher bits we run
};

/// What an established link encrypts with.
struct link_session {
  cipher chosen;
  key256 tx;      // seals what we send (the peer's rx)
  key256 rx;      // opens what the peer sends (the peer's tx)
  digest binding; // the same on both sides of one link, different on every link
};

class handshake {
public:
  enum class state { awaiting_hello, awaiting_proof, done, failed };

  /// `ephemeral_seed` makes the X25519 key pair (crypto_kx_seed_keypair):
  /// fresh randomness for every handshake, from a seed under simulation.
  handshake(side own_side, const local_identity& me, const wire::nonce& fresh,
            const std::array<std::uint8_t, 32>& ephemeral_seed);

  side own_side() const { return side_; }
  state current() const { return state_; }
  const wire::hello& local_hello() const { return local_; }
  /// Valid once receive_hello succeeded.
  const wire::hello& remote_hello() const { return remote_; }

  /// Checks the peer's hello and derives the session. nullopt on success;
  /// otherwise the typed reason and the machine is failed.
  std::optional<wire::close_reason> receive_hello(const wire::hello& remote, replay_guard& guard);

  /// The cipher, keys and channel binding; only after a successful
  /// receive_hello (use them once receive_proof succeeded too).
  link_session session() const;

  /// Our proof; only after a successful receive_hello.
  wire::proof make_proof(const secret_key& key) const;

  /// Checks the peer's proof. nullopt on success (the machine is done).
  std::optional<wire::close_reason> receive_proof(const wire::proof& p);

private:
  std::optional<wire::close_reason> fail(wire::close_reason r);
  bool derive_session(cipher chosen);

  side side_;
  local_identity me_;
  wire::hello local_;
  wire::hello remote_;
  std::array<std::uint8_t, 32> kx_secret_{}; // wiped once the session is derived
  std::optional<link_session> session_;
  state state_ = state::awaiting_hello;
};

} // namespace mosaik::link
