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
// nonces, both ids and the network. The caller supplies the fresh nonce, the
// key and the replay guard; the machine does no I/O and reads no clock.

#include "actors/core/ids/keys.hpp"
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
  std::uint32_t version = 1;     // announced protocol version
  std::uint32_t min_version = 1; // oldest remote version accepted
};

class handshake {
public:
  enum class state { awaiting_hello, awaiting_proof, done, failed };

  handshake(side own_side, const local_identity& me, const wire::nonce& fresh);

  side own_side() const { return side_; }
  state current() const { return state_; }
  const wire::hello& local_hello() const { return local_; }
  /// Valid once receive_hello succeeded.
  const wire::hello& remote_hello() const { return remote_; }

  /// Checks the peer's hello. nullopt on success; otherwise the typed reason
  /// and the machine is failed.
  std::optional<wire::close_reason> receive_hello(const wire::hello& remote, replay_guard& guard);

  /// Our proof; only after a successful receive_hello.
  wire::proof make_proof(const secret_key& key) const;

  /// Checks the peer's proof. nullopt on success (the machine is done).
  std::optional<wire::close_reason> receive_proof(const wire::proof& p);

private:
  std::optional<wire::close_reason> fail(wire::close_reason r);

  side side_;
  local_identity me_;
  wire::hello local_;
  wire::hello remote_;
  state state_ = state::awaiting_hello;
};

} // namespace mosaik::link
