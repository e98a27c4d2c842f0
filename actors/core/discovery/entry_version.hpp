#pragma once
// The version of a peer entry: (start, update), both Unix milliseconds and
// compared lexicographically. `start` identifies a run of the process, so a
// restarted node always outranks its previous run.

#include <compare>
#include <cstdint>

namespace mosaik::discovery {

struct entry_version {
  std::int64_t start_ms = 0;
  std::int64_t update_ms = 0;

  friend auto operator<=>(const entry_version&, const entry_version&) = default;
};

} // namespace mosaik::discovery
