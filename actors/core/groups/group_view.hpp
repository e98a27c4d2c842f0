#pragma once
// What a group looks like from one member, as `when()` conditions and
// `mosaik status` read it.

#include "actors/core/ids/keys.hpp"
#include "actors/core/raft/ready.hpp"
#include "actors/core/raft/types.hpp"

#include <cstddef>
#include <optional>

namespace mosaik::groups {

struct group_view {
  raft::role role = raft::role::follower;
  /// The leader of the current term, when known.
  std::optional<peer_id> leader;
  raft::term_t term = 0;
  raft::index_t commit = 0;
  raft::index_t applied = 0;
  raft::index_t last_index = 0;
  /// Leader, or a follower that knows the leader of its term (observers
  /// included): operations can succeed through this node now.
  bool online = false;
  /// Voters and learners (caught-up members not yet promoted, and
  /// observers) in the configuration in force.
  std::size_t voters = 0;
  std::size_t learners = 0;
  bool observer = false;

  friend bool operator==(const group_view&, const group_view&) = default;
};

} // namespace mosaik::groups
