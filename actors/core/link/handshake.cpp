#include "actors/core/link/handshake.hpp"

namespace mosaik::link {

handshake::handshake(side own_side, const local_identity& me, const wire::nonce& fresh)
  : side_(own_side), me_(me) {
  local_.network = me.network;
  local_.peer = me.self;
  local_.protocol_version = me.version;
  local_.listen_address = me.listen;
  local_.nonce = fresh;
  local_.role = me.role;
}

std::optional<wire::close_reason> handshake::fail(wire::close_reason r) {
  state_ = state::failed;
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
  if (remote.peer == me_.self)
    return fail(close_reason::self_connection);
  // Only a dialer may be a client; the side that accepts is always a node.
  if (side_ == side::dialer && remote.role != wire::role::node)
    return fail(close_reason::protocol_violation);
  if (remote.nonce == local_.nonce || !guard.admit(remote.nonce))
    return fail(close_reason::stale_proof);
  remote_ = remote;
  state_ = state::awaiting_proof;
  return std::nullopt;
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
