#pragma once
// Counters of everything the catalog accepted or refused (the actor exports
// them as the metrics of FEATURES.md 10).

#include "actors/core/discovery/admission.hpp"
#include "actors/core/discovery/rejection.hpp"

#include <array>
#include <cstdint>

namespace mosaik::discovery {

struct catalog_stats {
  std::uint64_t discovered = 0; // new signed peers
  std::uint64_t updated = 0;    // newer versions with changed content
  std::uint64_t refreshed = 0;  // newer versions, same content (heartbeats)
  std::uint64_t departed = 0;   // graceful departures applied
  std::uint64_t purged = 0;     // stale peers removed
  std::uint64_t bans = 0;       // senders banned
  std::array<std::uint64_t, rejection_count> rejected{};
  std::array<std::uint64_t, eviction_reason_count> evicted{}; // places given to newcomers

  std::uint64_t rejected_of(rejection r) const { return rejected[static_cast<std::size_t>(r)]; }
  std::uint64_t evicted_of(eviction_reason r) const { return evicted[static_cast<std::size_t>(r)]; }
};

} // namespace mosaik::discovery
