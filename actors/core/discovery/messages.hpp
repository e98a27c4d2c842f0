#pragma once
// What discovery nodes send each other over a link (schemas/discovery.capnp
// encodes these). Announcements spread epidemically; sync requests and
// chunks exchange catalogs when a link comes up.

#include "actors/core/discovery/sync_items.hpp"

#include <cstdint>
#include <variant>
#include <vector>

namespace mosaik::discovery {

/// One or more signed entries: the sender's own on change or heartbeat, or
/// entries it accepted and forwards once.
struct announce {
  std::vector<signed_peer_entry> entries;

  friend bool operator==(const announce&, const announce&) = default;
};

/// "Here is what I hold": the receiver answers with what the sender lacks.
struct sync_request {
  std::uint64_t request_id = 0;
  std::vector<summary_item> summary;

  friend bool operator==(const sync_request&, const sync_request&) = default;
};

/// One bounded piece of a sync answer; `last` ends the answer.
struct sync_chunk {
  std::uint64_t request_id = 0;
  std::vector<aged_entry> entries;
  std::vector<aged_departure> departures;
  bool last = false;

  friend bool operator==(const sync_chunk&, const sync_chunk&) = default;
};

using message = std::variant<announce, departure, sync_request, sync_chunk>;

} // namespace mosaik::discovery
