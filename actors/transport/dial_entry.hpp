#pragma once
// A standing intention to keep a link to an address: bootstrap addresses and
// peers whose link broke. Re-dialled with backoff until linked.

#include "actors/core/link/backoff.hpp"
#include "actors/core/link/peer_address.hpp"

#include <caf/io/connection_handle.hpp>

#include <cstdint>
#include <optional>

namespace mosaik::transport {

struct dial_entry {
  enum class phase { waiting, connecting, handshaking, linked };

  link::peer_address address;
  bool persistent = false;          // bootstrap: kept even after a departure
  link::backoff backoff;
  phase current = phase::waiting;
  std::uint64_t attempt = 0;        // replies and timers of older attempts are ignored
  unsigned failures = 0;            // in a row; non-persistent dials give up at a limit
  std::optional<caf::io::connection_handle> conn; // the attempt's connection, while it runs
  std::optional<peer_id> linked_peer;
};

} // namespace mosaik::transport
