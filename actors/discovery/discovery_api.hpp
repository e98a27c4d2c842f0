#pragma once
// The messaging interface of the discovery actor for LOCAL actors. None of
// these types is announced to CAF, so no remote node can build one; peers
// reach discovery only through frames of kind `discovery` on a link.
//
//   get_catalog{}             -> catalog_snapshot
//   subscribe_discovery{a}                        a receives discovery_events
//   add_tags{t}               -> bool             changed; re-announced at once
//   remove_tags{t}            -> bool
//   advertise_group{g, on}    -> bool             the group id joins (on) or leaves the
//                                                 local entry; changed; re-announced at once
//   advertise_stream{s, on}   -> bool             the same for a stream id this node produces
//   dial_addresses{e}                             best effort; new links are synced
//   sync_with{peer}           -> bool             catalog exchange finished (false: failed)
//   feed_entry{signed}        -> bool             new or newer
//   insert_unsigned{entry}    -> bool             local only, never gossiped
//   remove_unsigned{peer}     -> bool
//
// And the subsystem protocols (node/subsystem_api.hpp):
//   node::depart{}            -> bool             departure sent; discovery goes quiet
//   node::contribute_status{} -> status_part      its tags and catalog
//
// A refused change (a tag list over the limits) answers with an error
// naming the rejection; nothing is changed then.

#include "actors/core/discovery/event_queue.hpp"
#include "actors/core/discovery/peer_info.hpp"
#include "actors/core/discovery/signed_peer_entry.hpp"
#include "actors/node/subsystem_api.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <vector>

namespace mosaik::discovery {

struct get_catalog {};

struct catalog_snapshot {
  signed_peer_entry me;
  /// Live signed peers, then unsigned ones (max_rtt applied).
  std::vector<peer_info> peers;
};

/// `subscriber` receives discovery_events as requests and must answer each
/// (any reply, or a handler returning nothing): one batch is in flight per
/// subscriber and at most events_backlog more wait; beyond that the oldest
/// are dropped and counted in the next batch's `lost`.
struct subscribe_discovery {
  caf::actor subscriber;
};

/// A batch of events, oldest first, and how many were lost before it.
using discovery_events = event_queue::batch;

struct add_tags {
  std::vector<tag> tags;
};

struct remove_tags {
  std::vector<tag> tags;
};

struct advertise_group {
  group_id group;
  bool on = true;
};

struct advertise_stream {
  stream_id stream;
  bool on = true;
};

struct dial_addresses {
  std::vector<wire::endpoint> addresses;
};

struct sync_with {
  peer_id peer;
};

struct feed_entry {
  signed_peer_entry entry;
};

struct insert_unsigned {
  peer_entry entry;
};

struct remove_unsigned {
  peer_id peer;
};

/// Discovery's local interface: a wrong message is a compile error for the
/// sender. The actor itself is untyped (it also takes the node's events and
/// its own timer), so spawn_discovery hands out an actor_cast of it.
using discovery_handle = caf::typed_actor<
  caf::replies_to<get_catalog>::with<catalog_snapshot>,
  caf::reacts_to<subscribe_discovery>,
  caf::replies_to<add_tags>::with<bool>,
  caf::replies_to<remove_tags>::with<bool>,
  caf::replies_to<advertise_group>::with<bool>,
  caf::replies_to<advertise_stream>::with<bool>,
  caf::reacts_to<dial_addresses>,
  caf::replies_to<sync_with>::with<bool>,
  caf::replies_to<feed_entry>::with<bool>,
  caf::replies_to<insert_unsigned>::with<bool>,
  caf::replies_to<remove_unsigned>::with<bool>,
  caf::replies_to<node::depart>::with<bool>,
  caf::replies_to<node::contribute_status>::with<node::status_part>>;

} // namespace mosaik::discovery

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::discovery::get_catalog)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::discovery::catalog_snapshot)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::discovery::subscribe_discovery)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::discovery::discovery_events)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::discovery::add_tags)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::discovery::remove_tags)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::discovery::advertise_group)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::discovery::advertise_stream)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::discovery::dial_addresses)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::discovery::sync_with)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::discovery::feed_entry)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::discovery::insert_unsigned)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::discovery::remove_unsigned)
