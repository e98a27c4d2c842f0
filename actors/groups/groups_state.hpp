#pragma once
// The state of the groups actor (groups_actor.hpp); tests read it.

#include "actors/groups/group_writer.hpp"
#include "actors/groups/groups_actor.hpp"

#include <caf/actor.hpp>
#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>

#include <map>
#include <memory>
#include <set>
#include <vector>

namespace spdlog {
class logger;
}

namespace mosaik::groups {

struct groups_state {
  static inline const char* name = "mosaik.groups";

  groups_setup setup;
  node::node_handle node;
  discovery::discovery_handle discovery;
  /// Links that are up, as the node reported them.
  std::map<peer_id, node::link_event> links;
  /// The groups each signed catalog peer lists, and where it listens.
  std::map<peer_id, std::set<group_id>> members;
  std::map<peer_id, std::vector<wire::endpoint>> addresses;
  /// When each peer a group wanted was last dialled (dials are paced).
  std::map<peer_id, caf::actor_clock::time_point> dialled;
  std::map<group_id, caf::actor> groups;
  /// Makes the groups' writes durable, several groups' at once.
  writer_handle writer;
  std::shared_ptr<spdlog::logger> log;
};

using groups_actor = caf::stateful_actor<groups_state>;

} // namespace mosaik::groups
