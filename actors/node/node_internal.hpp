#pragma once
// Shared by the node broker's translation units; not part of the API.

#include "actors/node/node_api.hpp"
#include "actors/node/node_state.hpp"
#include "schemas/codec/decode.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/io/broker.hpp>

#include <functional>

namespace mosaik::node {

using node_actor = caf::io::stateful_broker<node_state>;
using caf::io::connection_handle;

// Timer and self messages, local only (never announced, so never forged).
struct handshake_deadline {
  connection_handle conn;
  std::uint64_t generation;
};
struct redial {
  std::uint64_t dial;
  std::uint64_t attempt;
};
struct heartbeat_tick {};
struct flush_now {};
struct departure_done {};

link::time_point now(node_actor* self);
/// The `reason` label of mosaik.network.link.closes.{sent,received}.
metrics::labels reason_label(wire::close_reason r);

// -- records on connections (node_wire.cpp) -----------------------------------
/// Takes a new incoming connection, or closes it at once when a connection
/// limit is reached.
void on_new_connection(node_actor* self, connection_handle conn);
/// Reads the records of `chunk` and acts on each.
void on_data(node_actor* self, connection_handle conn, byte_view chunk);
/// The connection broke under us (reset, EOF).
void on_connection_lost(node_actor* self, connection_handle conn);
/// Encodes `f` as one record (sealed once our proof is out) and queues it;
/// false when the connection is gone or was closed for not reading.
bool write_frame(node_actor* self, connection_handle conn, const wire::frame& f);
/// Sends a close with `reason` (counted, logged), flushes and closes the
/// connection; its link, if any, goes down without a further close.
void close_connection(node_actor* self, connection_handle conn, wire::close_reason reason,
                      const std::string& detail);
/// Closes the connection sending nothing (the peer already said why, or
/// cannot hear it); its link, if any, goes down with `reason`.
void forget_connection(node_actor* self, connection_handle conn, wire::close_reason reason,
                       const std::string& detail);
void flush_all(node_actor* self);

// -- handshake (node_handshake.cpp) -------------------------------------------
void on_handshake_frame(node_actor* self, connection_handle conn, const wire::frame& f);
void on_handshake_deadline(node_actor* self, const handshake_deadline& d);
/// A connection whose handshake was under way ended: the dial it served
/// retries.
void on_handshake_ended(node_actor* self, transport::connection& c, wire::close_reason reason,
                        const std::string& detail);
/// The dialer's side on the new connection `conn` of `dial`: our hello.
void begin_handshake(node_actor* self, connection_handle conn, std::uint64_t dial, const std::string& host);

// -- dials (node_dials.cpp) ---------------------------------------------------
/// Keeps dialling `address` (link::dial_table::add).
void add_dial(node_actor* self, const link::peer_address& address, bool persistent);
void on_redial(node_actor* self, const redial& r);
/// The connection of `dial`, or its handshake, failed (counted, logged).
void dial_failed(node_actor* self, std::uint64_t dial, wire::close_reason reason, const std::string& detail);
/// After a link to `peer` ended: keep (or start) re-dialling it.
void plan_reconnect(node_actor* self, const peer_id& peer, const wire::endpoint& address,
                    wire::close_reason reason);

// -- status (node_status.cpp) -------------------------------------------------
/// Calls `done` with the node's status: its own part and each contributor's
/// part that arrived within the contributor timeout (asynchronously then).
void with_status(node_actor* self, std::function<void(wire::node_status)> done);
/// Answers an authenticated client's status request on its connection, then
/// closes it.
void answer_status(node_actor* self, connection_handle conn);

// -- links (node_links.cpp) ----------------------------------------------------
void establish_link(node_actor* self, const peer_id& peer, connection_handle conn,
                    const wire::endpoint& address, link::side our_side, const digest& binding);
/// Ends the link to `peer`; with `send_close_frame`, tells the peer why
/// first. The connection is closed either way.
void drop_link(node_actor* self, const peer_id& peer, wire::close_reason reason,
               const std::string& detail, bool send_close_frame);
/// Takes the link to `peer` out for a newer one on another connection: the
/// down event and a close, but no reconnect.
void retire_link(node_actor* self, const peer_id& peer);
/// What follows when a link's connection ended: counters, the down event,
/// reconnecting.
void link_down(node_actor* self, peer_id peer, wire::close_reason reason, const std::string& detail);
/// A record arrived on the link to `from`.
void on_link_frame(node_actor* self, const peer_id& from, expected<wire::frame, codec::decode_error>& f);
void on_heartbeat_tick(node_actor* self);
/// Sends the frames held back while a chunk was read (held_delivery).
void release_held(node_actor* self);
/// Closes the link to `peer` (released) if we dialled it and no persistent
/// dial keeps it.
void release(node_actor* self, const peer_id& peer);
/// A data frame for the peer: sent if the link's credit covers it, else
/// queued, or refused (counted) when the backlog is full (past_cap: queued
/// past it, counted).
send_outcome send_data(node_actor* self, const peer_id& to, wire::frame f, bool past_cap);
wire::frame close_frame(wire::close_reason reason, const std::string& detail);
void count_received_close(node_actor* self, const wire::close& c, const std::string& from);

} // namespace mosaik::node

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::handshake_deadline)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::redial)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::heartbeat_tick)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::flush_now)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::departure_done)
