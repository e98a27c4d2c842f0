#pragma once
// What joining a group takes (FEATURES 6.2): its key, its consensus
// parameters, the user's machine (a factory: a restarted group starts from a
// fresh machine and replays its log) and this node's leadership preference.
// Everything but the preference enters the group id.

#include "actors/core/groups/consensus_config.hpp"
#include "actors/core/groups/group_key.hpp"
#include "actors/core/groups/machine.hpp"
#include "actors/core/raft/config.hpp"

#include <functional>
#include <memory>
#include <string>

namespace mosaik::groups {

struct group_setup {
  group_key key;
  consensus_config consensus;
  /// The machine's signature: its name, version and anything that changes
  /// what apply does.
  std::string machine_signature;
  std::function<std::unique_ptr<machine>()> make_machine;
  raft::leadership preference;
};

/// What a node chooses when it joins; everything but the preference must
/// match on every member (it enters the group id).
struct join_options {
  consensus_config consensus;
  raft::leadership preference;
};

/// The signature of catch-up by log replay for a machine (FEATURES 7.2,
/// with this port's defaults).
digest log_replay_signature(const std::string& machine_signature);

/// The group id every member with this setup derives.
group_id id_of(const group_setup& s);

} // namespace mosaik::groups
