#pragma once
// The protocols every subsystem above the links (discovery, groups, later
// streams) speaks with the node and with the network supervisor, so that
// neither needs to know the subsystems:
//
//   contribute_status{} -> status_part   the subsystem's part of the node's
//                                        status (registered with the node
//                                        by add_status_contributor)
//   depart{}            -> bool          the subsystem's departure step, run
//                                        in its phase of a shutdown
//                                        (registered with the supervisor)

#include "actors/core/ids/ids.hpp"
#include "actors/core/wire/status.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

#include <cstdint>
#include <vector>

namespace mosaik::node {

/// The phases of a shutdown, in the order they run; links is last (the
/// node's departure closes every link).
enum class departure_phase : std::uint8_t { streams, groups, discovery, links };

struct depart {};

struct contribute_status {};

/// What a contributor adds to the node's status; fields it leaves empty add
/// nothing.
struct status_part {
  std::vector<tag> tags;
  std::vector<wire::catalog_status> catalog;
  std::vector<wire::group_status> groups;
  std::vector<wire::stream_status> streams;
};

struct add_status_contributor {
  caf::actor contributor;
};

} // namespace mosaik::node

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::depart)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::contribute_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::status_part)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::add_status_contributor)
