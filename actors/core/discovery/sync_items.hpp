#pragma once
// The pieces catalog sync exchanges: a summary of what the requester holds,
// and entries and departures with their age on the sender's clock (how long
// ago the sender received them), so the receiver can judge staleness and
// clock drift without trusting the sender's clock.

#include "actors/core/discovery/departure.hpp"
#include "actors/core/discovery/signed_peer_entry.hpp"

namespace mosaik::discovery {

struct summary_item {
  peer_id peer;
  entry_version version;

  friend bool operator==(const summary_item&, const summary_item&) = default;
};

struct aged_entry {
  signed_peer_entry entry;
  millis age{0};

  friend bool operator==(const aged_entry&, const aged_entry&) = default;
};

struct aged_departure {
  discovery::departure departure;
  millis age{0};

  friend bool operator==(const aged_departure&, const aged_departure&) = default;
};

} // namespace mosaik::discovery
