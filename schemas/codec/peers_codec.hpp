#pragma once
// Encode and decode peer hints (schemas/peers.capnp).

#include "actors/core/expected.hpp"
#include "actors/core/link/peer_address.hpp"
#include "schemas/codec/decode.hpp"

#include <vector>

namespace mosaik::codec {

inline constexpr std::size_t max_peer_hints = 256;

/// Entries without a peer id are skipped; at most max_peer_hints are kept.
bytes encode_peer_hints(const std::vector<link::peer_address>& peers);

/// Never throws; every entry has a 32-byte id, a host of at most 255 bytes
/// and a non-zero port.
expected<std::vector<link::peer_address>, decode_error> decode_peer_hints(
  byte_view data, const decode_limits& limits = {});

} // namespace mosaik::codec
