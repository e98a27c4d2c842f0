#pragma once
// The groups subsystem of one node: spawned and wired by the network
// supervisor (network/supervisor.hpp) as a link subscriber, a discovery
// subscriber, a status contributor and the departure step of the groups
// phase. It runs one group actor per joined group (group_actor.hpp) and
// keeps them told:
//  - every link event (a link's proven peer and channel binding) goes to
//    every group;
//  - the signed catalog's group lists become member_update messages for
//    the groups they name (and for the ones they stop naming);
//  - a group's id is in the local discovery entry while it runs.
// Join is idempotent per group id.

#include "actors/core/groups/groups_config.hpp"
#include "actors/core/ids/ids.hpp"
#include "actors/core/ids/keys.hpp"
#include "actors/discovery/discovery_api.hpp"
#include "actors/groups/groups_api.hpp"
#include "actors/metrics/registry.hpp"
#include "actors/node/node_api.hpp"

#include <caf/fwd.hpp>

#include <filesystem>
#include <memory>

namespace mosaik::groups {

struct groups_setup {
  groups_config cfg;
  network_id network;
  peer_id self;
  std::uint64_t seed = 0;
  std::shared_ptr<metrics::registry> metrics;
};

/// Spawns the groups actor of `node`, linked to `parent`. Until it gets
/// use_discovery it sees no catalog (so without discovery, groups bond with
/// no one).
groups_handle spawn_groups(caf::local_actor* parent, node::node_handle node, groups_setup setup);

/// The store provider a node uses when its config names none: LMDB in
/// `data_dir`/raft, or memory when `data_dir` is empty.
raft::storage_result<std::shared_ptr<store_provider>> default_stores(const std::string& data_dir);

} // namespace mosaik::groups
