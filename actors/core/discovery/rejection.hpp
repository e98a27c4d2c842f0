#pragma once
// Why discovery refused an input. Every rejection is counted; the penalty
// weights in config.hpp decide which ones count against the sender.

#include <cstdint>
#include <string_view>

namespace mosaik::discovery {

enum class rejection : std::uint8_t {
  own_entry,          // an entry or departure for our own peer id
  wrong_network,      // signed for another network
  bad_signature,      // the signature does not verify against the claimed peer
  too_many_addresses, // over limits::max_addresses
  too_many_tags,      // over limits::max_tags
  too_many_streams,   // over limits::max_streams
  too_many_groups,    // over limits::max_groups
  too_many_tickets,   // over limits::max_tickets
  field_too_long,     // protocol, host or ticket data over its limit
  bad_text,           // a NUL byte in the protocol or a host name
  entry_too_large,    // the whole entry over limits::max_entry_bytes
  stale,              // older than purge_after
  time_drift,         // its clock is further than max_time_drift from ours
  bad_start,          // its start time is before the Unix epoch or after its update time
  departed,           // not newer than a departure we hold for that peer
  duplicate,          // the same version is already known
  outdated,           // a newer version is already known
  unknown_peer,       // a departure for a peer we never knew
  catalog_full,       // the catalog is full and the entry outranks none it holds
  relayer_quota,      // its relayer holds config::max_peers_per_relayer entries
  malformed,          // undecodable bytes or a message over its limits
  unsolicited,        // a sync chunk nobody asked for
};

inline constexpr std::size_t rejection_count =
  static_cast<std::size_t>(rejection::unsolicited) + 1;

std::string_view to_string(rejection r);

} // namespace mosaik::discovery
