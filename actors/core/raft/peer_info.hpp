#pragma once
// What the group actor tells the core about a peer when a bond forms.

#include "actors/core/ids/digest.hpp"
#include "actors/core/raft/types.hpp"

namespace mosaik::raft {

struct peer_info {
  node_id id;
  /// The peer's group lineage from the bond handshake (zero: it holds none
  /// of the group's log yet).
  digest lineage;
  /// Observers are added as learners and never promoted.
  bool observer = false;
  /// Reluctant peers bootstrap the group only when no normal one is known.
  bool reluctant = false;
};

} // namespace mosaik::raft
