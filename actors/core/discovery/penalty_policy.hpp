#pragma once
// How bad input counts against the peer that sent it. Scores decay (halved
// every half_life); a sender whose score reaches ban_threshold is banned for
// ban_duration. Honest gossip can deliver an old version late, so replays
// weigh little; forgeries and wrong-network entries ban at once.

#include "actors/core/discovery/rejection.hpp"
#include "actors/core/discovery/time.hpp"

#include <cstddef>
#include <cstdint>

namespace mosaik::discovery {

struct penalty_policy {
  std::uint32_t ban_threshold = 100;
  millis half_life{60'000};
  millis ban_duration{600'000};
  /// Senders tracked at once; the lowest score is forgotten first.
  std::size_t max_tracked = 4096;

  std::uint32_t bad_signature = 100;
  std::uint32_t wrong_network = 100;
  std::uint32_t oversized = 50;   // any limit broken
  std::uint32_t malformed = 50;   // undecodable or over message limits
  std::uint32_t time_drift = 10;
  std::uint32_t replay = 1;       // outdated, or older than a departure
  std::uint32_t unsolicited = 1;

  /// The weight of one rejection; 0 for the ones that are nobody's fault
  /// (duplicates, stale or own entries, unknown peers, and a full catalog or
  /// relayer quota, which honest relayers of a large network reach).
  std::uint32_t weight(rejection r) const {
    switch (r) {
      case rejection::bad_signature: return bad_signature;
      case rejection::wrong_network: return wrong_network;
      case rejection::too_many_addresses:
      case rejection::too_many_tags:
      case rejection::too_many_streams:
      case rejection::too_many_groups:
      case rejection::too_many_tickets:
      case rejection::field_too_long:
      case rejection::entry_too_large: return oversized;
      case rejection::bad_text: return malformed;
      case rejection::malformed: return malformed;
      case rejection::time_drift:
      case rejection::bad_start: return time_drift; // a clock value that cannot be
      case rejection::outdated:
      case rejection::departed: return replay;
      case rejection::unsolicited: return unsolicited;
      case rejection::own_entry:
      case rejection::stale:
      case rejection::duplicate:
      case rejection::unknown_peer:
      case rejection::catalog_full:
      case rejection::relayer_quota: return 0;
    }
    return 0;
  }
};

} // namespace mosaik::discovery
