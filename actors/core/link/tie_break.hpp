#pragma once
// One link per peer pair. When both peers dial each other at the same time,
// both keep the handshake that the smaller peer id dialled; the other one is
// refused with close_reason::already_connected. Both sides compute the same
// answer from the same two ids, so no extra round trip is needed.

#include "actors/core/ids/keys.hpp"

namespace mosaik::link {

/// True when the handshake dialled by `dialer` towards `acceptor` is the one
/// to keep if a handshake in the opposite direction competes with it.
inline bool dial_wins(const peer_id& dialer, const peer_id& acceptor) {
  return dialer < acceptor;
}

} // namespace mosaik::link
