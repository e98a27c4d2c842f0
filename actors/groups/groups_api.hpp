#pragma once
// The messaging interface of the groups subsystem (one actor per node,
// spawned by the network supervisor) for LOCAL actors.
//
//   join_group{setup}          -> join_result   the group's actor; a second join of the
//                                              same group id answers the same actor
//   use_discovery{d}                            follow d's catalog and advertise in its
//                                              entry (the supervisor, once d runs)
//
// And the subsystem protocols (node/subsystem_api.hpp):
//   node::depart{}             -> bool          every group departs (groups phase)
//   node::contribute_status{}  -> status_part   each group's status
//
// A refused join (too many groups, a bad consensus config, a store that
// does not open) answers with an error naming why.

#include "actors/core/ids/ids.hpp"
#include "actors/discovery/discovery_api.hpp"
#include "actors/groups/group_api.hpp"
#include "actors/groups/group_setup.hpp"
#include "actors/node/subsystem_api.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

namespace mosaik::groups {

struct join_group {
  group_setup setup;
};

struct use_discovery {
  discovery::discovery_handle discovery;
};

struct join_result {
  group_id id;
  group_handle group;
};

using groups_handle =
  caf::typed_actor<caf::replies_to<join_group>::with<join_result>,
                   caf::reacts_to<use_discovery>,
                   caf::replies_to<node::depart>::with<bool>,
                   caf::replies_to<node::contribute_status>::with<node::status_part>>;

} // namespace mosaik::groups

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::groups::join_group)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::groups::join_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::groups::use_discovery)
