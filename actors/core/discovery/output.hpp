#pragma once
// What the engine asks its driver (the discovery actor, or a simulator) to
// do after an input: messages to send to named peers, links to open or let
// go, senders to ban, events for subscribers and finished syncs.

#include "actors/core/discovery/event.hpp"
#include "actors/core/discovery/messages.hpp"

#include <optional>
#include <vector>

namespace mosaik::discovery {

struct outgoing {
  peer_id to;
  message msg;
};

/// Open a link to `peer` (or to whoever answers at `addresses` when the
/// peer id is unknown, as for bootstrap addresses).
struct dial_request {
  std::optional<peer_id> peer;
  std::vector<wire::endpoint> addresses;
};

struct sync_result {
  peer_id peer;
  bool completed = false; // false: the link dropped or the sync timed out
};

struct output {
  std::vector<outgoing> messages;
  std::vector<dial_request> dials;
  /// Links discovery no longer needs (close them unless another subsystem
  /// uses them).
  std::vector<peer_id> releases;
  /// Senders that crossed the penalty threshold: close with reason `banned`
  /// and refuse them until the ban expires.
  std::vector<peer_id> bans;
  std::vector<event> events;
  std::vector<sync_result> syncs;

  bool empty() const {
    return messages.empty() && dials.empty() && releases.empty() && bans.empty() && events.empty()
           && syncs.empty();
  }
};

} // namespace mosaik::discovery
