#pragma once
// The messaging interface of one group actor for LOCAL actors (the user's
// actors, the facade in group.hpp). Commands, queries and results travel as
// bytes: machine_adapter.hpp and group.hpp encode the user's types.
//
//   feed_op{cmds, timeout}    -> completion   fed{range} once the leader assigned every index
//   execute_op{cmds, timeout} -> completion   executed{range, results} once committed and
//                                             applied here
//   query_op{q, level, t}     -> completion   queried{result, at}
//   get_view{}                -> group_view
//   watch_view{a}                             a receives view_changed on every change (and
//                                             the current view at once)
//   close_group{}             -> bool         departure on every bond; the group stops
//
// Every operation answers exactly once, within its timeout, with a
// completion or a `failed` naming why (operations.hpp: whether the commands
// may have taken effect). Operations from one sender keep their order.

#include "actors/core/bytes.hpp"
#include "actors/core/groups/group_view.hpp"
#include "actors/core/groups/operations.hpp"
#include "actors/core/ids/ids.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <vector>

namespace mosaik::groups {

struct feed_op {
  std::vector<bytes> commands;
  std::chrono::milliseconds timeout{2000};
};

struct execute_op {
  std::vector<bytes> commands;
  std::chrono::milliseconds timeout{2000};
};

struct query_op {
  bytes query;
  consistency level = consistency::strong;
  std::chrono::milliseconds timeout{2000};
};

struct get_view {};

struct watch_view {
  caf::actor subscriber;
};

struct view_changed {
  group_id group;
  group_view view;
};

struct close_group {};

using group_handle = caf::typed_actor<caf::replies_to<feed_op>::with<completion>,
                                      caf::replies_to<execute_op>::with<completion>,
                                      caf::replies_to<query_op>::with<completion>,
                                      caf::replies_to<get_view>::with<group_view>,
                                      caf::reacts_to<watch_view>,
                                      caf::replies_to<close_group>::with<bool>>;

} // namespace mosaik::groups

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::groups::feed_op)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::groups::execute_op)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::groups::query_op)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::groups::get_view)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::groups::watch_view)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::groups::view_changed)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::groups::close_group)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::groups::completion)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::groups::group_view)
