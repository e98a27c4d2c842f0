#pragma once
// The state of one group actor (group_actor.hpp); tests read it.

#include "actors/core/groups/bond_table.hpp"
#include "actors/core/groups/engine.hpp"
#include "actors/core/groups/group_store.hpp"
#include "actors/groups/group_actor.hpp"
#include "actors/groups/group_metrics.hpp"

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace spdlog {
class logger;
}

namespace mosaik::groups {

struct group_state {
  static inline const char* name = "mosaik.group";

  group_id id;
  groups_config cfg;
  node::node_handle node;
  caf::actor manager; // the groups actor
  std::shared_ptr<group_store> store;
  std::unique_ptr<group_persister> persister;
  writer_handle writer;
  std::unique_ptr<raft::log_sink> sink;
  std::optional<engine> eng;
  std::optional<bond_table> bonds;
  std::optional<group_metrics> metrics;
  std::map<op_id, caf::typed_response_promise<completion>> pending;
  op_id next_op = 1;
  std::vector<caf::actor> watchers;
  std::optional<group_view> last_view;
  std::uint64_t tick_generation = 0;
  bool closed = false;
  /// The node has taken the departure frames (group_actor.cpp, leave).
  bool departure_handed = false;
  std::vector<caf::typed_response_promise<bool>> leave_waiters;
  std::shared_ptr<spdlog::logger> log;
};

using group_actor = caf::stateful_actor<group_state>;

} // namespace mosaik::groups
