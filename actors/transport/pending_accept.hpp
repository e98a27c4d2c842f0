#pragma once
// An incoming handshake in flight: the only thing a node holds for a remote
// before it has proved its identity. Bounded by max_pending_handshakes and
// dropped after the handshake timeout.

#include "actors/core/link/handshake.hpp"

#include <caf/actor_control_block.hpp>

#include <cstdint>

namespace mosaik::transport {

struct pending_accept {
  link::handshake hs;
  caf::strong_actor_ptr remote;
  std::uint64_t generation = 0; // matches the timeout armed for this entry
};

} // namespace mosaik::transport
