#pragma once
// Bounds on what a peer may advertise and send. The codec applies them before
// building values and the catalog applies them again to every entry it is
// given, so an oversized entry is refused however it arrives.

#include <cstddef>

namespace mosaik::discovery {

struct limits {
  std::size_t max_addresses = 8;
  std::size_t max_host_bytes = 255;
  std::size_t max_protocol_bytes = 64;
  std::size_t max_tags = 64;
  std::size_t max_streams = 256;
  std::size_t max_groups = 256;
  std::size_t max_tickets = 16;
  std::size_t max_ticket_bytes = 8 * 1024;
  /// The canonical (signing) encoding of a whole entry.
  std::size_t max_entry_bytes = 64 * 1024;
  /// Entries in one announce message.
  std::size_t max_announce_entries = 64;
  /// Entries (and, separately, departures) in one catalog sync chunk; also
  /// the size of the chunks this node sends.
  std::size_t max_chunk_entries = 32;
  /// Items in a catalog sync request's summary.
  std::size_t max_summary_items = 8192;
};

} // namespace mosaik::discovery
