#pragma once
// Shared by the node actor's translation units; not part of the API.

#include "actors/node/node_state.hpp"
#include "actors/transport/frame_msg.hpp"
#include "schemas/codec/decode.hpp"

#include <caf/actor_addr.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <functional>

namespace mosaik::node {

using node_actor = caf::stateful_actor<node_state>;

// Timer messages, local only (never announced, so never forged remotely).
struct accept_timeout {
  caf::actor_addr who;
  std::uint64_t generation;
};
struct redial {
  std::uint64_t dial;
  std::uint64_t attempt;
};
struct heartbeat_tick {};

link::time_point now(node_actor* self);
/// The `reason` label of mosaik.network.link.closes.{sent,received}.
metrics::labels reason_label(wire::close_reason r);
std::string name_of(const caf::strong_actor_ptr& remote);

// -- handshake (node_handshake.cpp) -------------------------------------------
void on_handshake_frame(node_actor* self, const wire::frame& f,
                        const caf::strong_actor_ptr& sender);
void on_accept_timeout(node_actor* self, const accept_timeout& t);
/// Returns the dial's id, or 0 when the table of learned addresses is full.
std::uint64_t add_dial(node_actor* self, const link::peer_address& address, bool persistent);
void start_dial(node_actor* self, std::uint64_t id, std::uint64_t attempt);
/// After a link to `peer` ended: keep (or start) re-dialling it.
void plan_reconnect(node_actor* self, const peer_id& peer, const wire::endpoint& address,
                    wire::close_reason reason);

// -- status (node_status.cpp) -------------------------------------------------
/// Calls `done` with the node's status, its catalog included when discovery
/// runs (asynchronously then).
void with_status(node_actor* self, std::function<void(wire::node_status)> done);
/// Answers the current request with the status as a status frame.
void respond_status(node_actor* self);

// -- links (node_links.cpp) ----------------------------------------------------
void establish_link(node_actor* self, const peer_id& peer, const caf::strong_actor_ptr& remote,
                    const wire::endpoint& address, link::side our_side);
void drop_link(node_actor* self, peer_id peer, wire::close_reason reason,
               const std::string& detail, bool send_close);
void on_link_frame(node_actor* self, transport::link_entry& l,
                   expected<wire::frame, codec::decode_error>& f);
void on_heartbeat_tick(node_actor* self);
/// Closes the link to `peer` (released) if we dialled it and no persistent
/// dial keeps it.
void release(node_actor* self, const peer_id& peer);
void send_on_link(node_actor* self, transport::link_entry& l, wire::frame_kind kind, bytes payload);
/// Counts, logs and sends a close frame to `remote` (a plain message).
void send_close(node_actor* self, const caf::strong_actor_ptr& remote, wire::close_reason reason,
                const std::string& detail);
/// Answers the current request with `f`.
void respond(node_actor* self, const wire::frame& f);
wire::frame close_frame(wire::close_reason reason, const std::string& detail);
void count_received_close(node_actor* self, const wire::close& c, const std::string& from);

} // namespace mosaik::node

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::accept_timeout)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::redial)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::heartbeat_tick)
