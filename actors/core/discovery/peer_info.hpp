#pragma once
// What a catalog read returns about one peer: its entry, whether it is
// signed (gossiped) or a local unsigned insert, how long ago the newest
// version arrived, and its smoothed RTT if one was measured.

#include "actors/core/discovery/peer_entry.hpp"

#include <chrono>
#include <optional>

namespace mosaik::discovery {

struct peer_info {
  peer_entry entry;
  bool is_signed = true;
  millis age{0};
  std::optional<std::chrono::microseconds> rtt;
};

} // namespace mosaik::discovery
