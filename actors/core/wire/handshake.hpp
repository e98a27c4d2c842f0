#pragma once
// Plain C++ values of the link handshake (schemas/link.capnp).

#include "actors/core/ids/ids.hpp"
#include "actors/core/ids/keys.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mosaik::wire {

struct endpoint {
  std::string host;
  std::uint16_t port = 0;

  friend bool operator==(const endpoint&, const endpoint&) = default;
};

enum class role : std::uint8_t { node = 0, client = 1 };

using nonce = std::array<std::uint8_t, 32>;

struct hello {
  network_id network;
  peer_id peer;
  std::uint32_t protocol_version = 0;
  endpoint listen_address;
  wire::nonce nonce{};
  wire::role role = role::node;
  std::array<std::uint8_t, 32> kx_public{}; // ephemeral X25519 public key (crypto_kx)
  std::uint8_t ciphers = 0;                 // mask of link::cipher bits the sender runs

  friend bool operator==(const hello&, const hello&) = default;
};

struct proof {
  signature sig;

  friend bool operator==(const proof&, const proof&) = default;
};

/// Mirrors schema::CloseReason.
enum class close_reason : std::uint16_t {
  unspecified = 0,
  different_network = 1,
  invalid_signature = 2,
  stale_proof = 3,
  version_mismatch = 4,
  handshake_timeout = 5,
  self_connection = 6,
  already_connected = 7,
  departing = 8,
  protocol_violation = 9,
  heartbeat_timeout = 10,
  banned = 11,
  connection_lost = 12,
  unexpected_peer = 13,
  released = 14,
  too_slow = 15,
};

inline constexpr std::uint16_t close_reason_count = 16;

std::string_view to_string(close_reason r);

struct close {
  close_reason reason = close_reason::unspecified;
  std::string detail;

  friend bool operator==(const close&, const close&) = default;
};

} // namespace mosaik::wire
