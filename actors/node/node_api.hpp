#pragma once
// The messaging interface of the node actor for LOCAL actors.
//
// The node is a CAF I/O broker: the network reaches it only as bytes on its
// connections, which it reads as length-prefixed records (sealed after the
// handshake), never as CAF messages. Nothing is published, no message type
// is announced, so no remote party can build any of these commands.
//
//   await_ready{}          -> ready_info         once the node listens
//   add_status_contributor{a}                    a answers contribute_status with its part
//                                                of every status answer (subsystem_api.hpp)
//   subscribe_links{a}                           a receives link_event and link_rtt messages
//   register_handler{k, c, a}                    a receives frame_received for kind k on
//                                                channel c (none: every channel no other
//                                                handler of k took)
//   send_frame{to, k, c, p}                      fire and forget; dropped (and counted)
//                                                if not linked or the link's backlog is full
//                                                (with past_cap: queued past the cap)
//   try_send_frame{to, k, c, p} -> send_outcome  the same, saying what became of it; after
//                                                `full` or `over_cap`, link subscribers get
//                                                link_writable once the link has room again
//   dial{address, persistent}                    keep a link to this address
//   release_link{peer}                           close it (released) if we dialled it and
//                                                no persistent dial or hold keeps it;
//                                                nobody re-dials a released link
//   hold_link{peer, holder, hold}                while held by a live holder, release_link
//                                                leaves the link open (a group's bond
//                                                needs it whatever discovery's gossip does)
//   ban_peer{peer, duration}                     close (banned) and refuse it that long
//   get_status{}           -> wire::node_status
//   get_metrics{}          -> std::shared_ptr<metrics::registry>
//                                                the node's registry, for actors of the
//                                                same node that count into it
//   shutdown{}             -> bool               departure sent on every link; the node
//                                                then quits (the links phase of a network's
//                                                shutdown: network/supervisor.hpp)

#include "actors/core/bytes.hpp"
#include "actors/core/ids/keys.hpp"
#include "actors/core/link/peer_address.hpp"
#include "actors/core/wire/frame.hpp"
#include "actors/core/wire/status.hpp"
#include "actors/metrics/registry.hpp"
#include "actors/node/subsystem_api.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>

namespace mosaik::node {

struct await_ready {};

struct ready_info {
  peer_id peer;
  wire::endpoint listen;
};

struct subscribe_links {
  caf::actor subscriber;
};

/// A link passed its handshake (up) or ended (down, with the reason).
struct link_event {
  peer_id peer;
  wire::endpoint address;
  bool up = false;
  wire::close_reason reason = wire::close_reason::unspecified;
  /// Up: the handshake's channel binding, the same on both ends of this link
  /// and on no other link (what a bond proof binds a group key to).
  digest binding;
};

/// A round-trip sample of a link's heartbeat (raw, not smoothed).
struct link_rtt {
  peer_id peer;
  std::chrono::microseconds sample;
};

struct register_handler {
  wire::frame_kind kind;
  wire::channel channel;
  caf::actor handler;
};

struct frame_received {
  peer_id from;
  wire::frame_kind kind;
  wire::channel channel;
  bytes payload;
};

struct send_frame {
  peer_id to;
  wire::frame_kind kind;
  wire::channel channel;
  bytes payload;
  /// Queued even past the backlog's cap rather than dropped: for a sender
  /// that bounds what it has outstanding and asks (try_send_frame with
  /// past_cap) often enough to learn of `over_cap` (the stream producer).
  bool past_cap = false;
};

struct dial {
  link::peer_address address;
  /// Persistent: re-dialled forever, even after a departure (bootstrap).
  /// Otherwise the node gives up after a few failures in a row.
  bool persistent = true;
};

struct release_link {
  peer_id peer;
};

struct hold_link {
  peer_id peer;
  caf::actor holder;
  /// False drops this holder's hold.
  bool hold = true;
};

struct ban_peer {
  peer_id peer;
  std::chrono::milliseconds duration;
};

/// What became of a data frame handed to the node. Data frames spend the
/// link's flow-control credit, which the peer grants as its handlers finish
/// with what they got; what the credit does not cover waits in a bounded
/// backlog. `over_cap`: queued past the backlog's cap (past_cap), so the
/// sender sends no more until link_writable.
enum class send_outcome : std::uint8_t { sent, queued, full, not_linked, over_cap };

struct try_send_frame {
  peer_id to;
  wire::frame_kind kind;
  wire::channel channel;
  bytes payload;
  bool past_cap = false; // as in send_frame
};

/// A link that refused a frame (`full`, `over_cap`) has room again.
struct link_writable {
  peer_id peer;
};

struct get_status {};

struct get_metrics {};

struct shutdown {};

/// The node's local interface: a message the node does not take, or a reply
/// handler of the wrong type, is a compile error for the sender. The node
/// itself is an untyped broker (it must also take CAF's I/O messages, which
/// are no business of its local users), so spawn_node hands out an
/// actor_cast of it to this type. Subscribers and handlers stay untyped:
/// they receive events of several kinds.
using node_handle = caf::typed_actor<
  caf::replies_to<await_ready>::with<ready_info>,
  caf::reacts_to<subscribe_links>,
  caf::reacts_to<register_handler>,
  caf::reacts_to<add_status_contributor>,
  caf::reacts_to<send_frame>,
  caf::replies_to<try_send_frame>::with<send_outcome>,
  caf::reacts_to<dial>,
  caf::reacts_to<release_link>,
  caf::reacts_to<hold_link>,
  caf::reacts_to<ban_peer>,
  caf::replies_to<get_status>::with<wire::node_status>,
  caf::replies_to<get_metrics>::with<std::shared_ptr<metrics::registry>>,
  caf::replies_to<shutdown>::with<bool>>;

} // namespace mosaik::node

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::await_ready)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::ready_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::subscribe_links)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::link_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::register_handler)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::frame_received)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::send_frame)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::try_send_frame)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::send_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::link_writable)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::dial)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::link_rtt)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::release_link)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::hold_link)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::ban_peer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::get_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::get_metrics)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<mosaik::metrics::registry>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::shutdown)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::wire::node_status)
