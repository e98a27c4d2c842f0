#pragma once
// Addresses on the command line: `host:port`, `[v6]:port`, and
// `PEERID@host:port` when the peer id (64 hex characters) is known.

#include "actors/core/expected.hpp"
#include "actors/core/ids/keys.hpp"
#include "actors/core/wire/handshake.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace mosaik::link {

struct peer_address {
  std::optional<peer_id> peer;
  wire::endpoint endpoint;

  friend bool operator==(const peer_address&, const peer_address&) = default;
};

/// `host:port`; port 0 is accepted only when `allow_port_zero` (listening).
expected<wire::endpoint, std::string> parse_endpoint(std::string_view text,
                                                     bool allow_port_zero = false);

/// `[PEERID@]host:port` with a non-zero port.
expected<peer_address, std::string> parse_peer_address(std::string_view text);

std::string to_string(const wire::endpoint& e);
std::string to_string(const peer_address& a);

} // namespace mosaik::link
