#pragma once
// Changes of the signed catalog (FEATURES.md 4.8). `updated` fires only
// when an entry's content changes; a version bump from a periodic announce
// refreshes the peer silently (the original fired on every heartbeat).

#include "actors/core/discovery/peer_entry.hpp"

#include <variant>

namespace mosaik::discovery {

struct peer_discovered {
  peer_entry entry;
};

struct peer_updated {
  peer_entry entry;
};

enum class departure_cause : std::uint8_t {
  graceful, // the peer sent a signed departure
  purged,   // nothing newer arrived for purge_after
  evicted,  // a full catalog gave its place to a newcomer of higher standing
};

struct peer_departed {
  peer_id peer;
  departure_cause cause = departure_cause::graceful;
};

using event = std::variant<peer_discovered, peer_updated, peer_departed>;

} // namespace mosaik::discovery
