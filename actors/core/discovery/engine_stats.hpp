#pragma once
// Counters of the engine's own traffic (the catalog counts what it accepted
// and refused).

#include <cstdint>

namespace mosaik::discovery {

struct engine_stats {
  std::uint64_t announces_sent = 0;     // announce messages
  std::uint64_t entries_sent = 0;       // entries inside them
  std::uint64_t departures_sent = 0;
  std::uint64_t sync_requests_sent = 0;
  std::uint64_t sync_chunks_sent = 0;
  std::uint64_t syncs_completed = 0;
  std::uint64_t syncs_failed = 0;
  std::uint64_t dials = 0;
  std::uint64_t dropped_from_banned = 0; // messages ignored from banned senders

  std::uint64_t messages_sent() const {
    return announces_sent + departures_sent + sync_requests_sent + sync_chunks_sent;
  }
};

} // namespace mosaik::discovery
