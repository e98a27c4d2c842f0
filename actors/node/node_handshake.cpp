// Both sides of the link handshake, on one connection each. The dialer
// writes hello; the acceptor answers hello; the dialer writes its proof; the
// acceptor answers its proof. Each side seals what it sends after its own
// proof and opens what it reads after the other's, with the keys the X25519
// exchange inside the signed transcript agreed. When both nodes dial each
// other at once the tie-break keeps the dial of the smaller peer id.
#include "actors/core/link/tie_break.hpp"
#include "actors/node/node_internal.hpp"
#include "schemas/codec/frame_codec.hpp"
#include "schemas/codec/handshake_codec.hpp"

#include <caf/io/receive_policy.hpp>

namespace mosaik::node {

namespace {

using transport::connection;
using wire::close_reason;
using wire::frame_kind;

void refuse(node_actor* self, connection_handle conn, close_reason reason, const std::string& detail) {
  close_connection(self, conn, reason, "handshake refused: " + detail);
}

/// True when a new handshake with `peer` may proceed although a link to it
/// exists: the peer dialled the old link too (so it lost it), or the new
/// connection's dialer wins the tie-break (so both ends replace the old link).
/// We never replace a link we dialled with another of ours.
bool may_replace(node_actor* self, const peer_id& peer, link::side our_side_of_new) {
  auto& st = self->state;
  const auto* l = st.links.find(peer);
  if (l == nullptr)
    return true;
  if (l->our_side == our_side_of_new)
    return our_side_of_new == link::side::acceptor;
  auto new_dialer = our_side_of_new == link::side::dialer ? st.me.self : peer;
  auto other = new_dialer == st.me.self ? peer : st.me.self;
  return link::dial_wins(new_dialer, other);
}

/// Both sides dialled each other: keep the dial of the smaller peer id.
/// False when the incoming handshake must be refused; when it may go on,
/// our own dial is left to the peer, which refuses it as we would.
bool settle_crossed_dials(node_actor* self, const peer_id& peer) {
  auto& st = self->state;
  if (!st.dials.handshaking_with(peer))
    return true;
  if (link::dial_wins(st.me.self, peer))
    return false;
  st.log->debug("tie-break: the dial of {} wins over ours", peer.short_hex());
  return true;
}

void write_hello(node_actor* self, connection_handle conn, const connection& c) {
  write_frame(self, conn, {frame_kind::hello, 0, codec::encode_hello(c.hs->local_hello()), {}});
}

/// Writes our proof, then seals everything we send.
void write_proof(node_actor* self, connection_handle conn, connection& c) {
  write_frame(self, conn, {frame_kind::proof, 0, codec::encode_proof(c.hs->make_proof(*self->state.key)), {}});
  auto s = c.hs->session();
  c.tx.emplace(s.chosen, s.tx);
}

/// The peer's proof verified: open everything it sends from now on.
void open_from_peer(connection& c) {
  auto s = c.hs->session();
  c.rx.emplace(s.chosen, s.rx);
}

/// The connection carries a link now: replaces an older link to the same
/// peer (one link per pair), raises the caps and reports the link.
void promote(node_actor* self, connection_handle conn, connection& c, const wire::endpoint& address) {
  auto& st = self->state;
  auto peer = c.hs->remote_hello().peer;
  auto binding = c.hs->session().binding;
  auto side = c.side;
  c.current = connection::phase::linked;
  c.dial = 0;
  c.reader.set_max_body(st.cfg.limits.max_bytes + link::aead_overhead);
  self->configure_read(conn, caf::io::receive_policy::at_most(st.cfg.link.read_chunk));
  if (st.links.count(peer) != 0)
    retire_link(self, peer);
  establish_link(self, peer, conn, address, side, binding);
}

// -- acceptor -----------------------------------------------------------------

void accept_hello(node_actor* self, connection_handle conn, connection& c, const wire::frame& f) {
  auto& st = self->state;
  auto hello = codec::decode_hello(f.payload, st.cfg.limits);
  if (!hello)
    return refuse(self, conn, close_reason::protocol_violation, "undecodable hello: " + hello.error().detail);
  if (st.shutting_down)
    return refuse(self, conn, close_reason::departing, "shutting down");
  if (st.misbehaviour.banned(hello->peer, now(self)))
    return refuse(self, conn, close_reason::banned, "refused for a while after bad frames");
  link::handshake hs{link::side::acceptor, st.me, st.fresh_nonce(), st.fresh_nonce()};
  if (auto err = hs.receive_hello(*hello, *st.replay))
    return refuse(self, conn, *err, "hello from " + hello->peer.short_hex());
  // Nothing is decided about an existing link before the proof verifies:
  // anyone can send a hello that names a linked peer.
  if (hello->role == wire::role::node && !settle_crossed_dials(self, hello->peer))
    return refuse(self, conn, close_reason::already_connected, "our own dial wins the tie-break");
  c.hs = std::move(hs);
  write_hello(self, conn, c);
}

void accept_proof(node_actor* self, connection_handle conn, connection& c, const wire::frame& f) {
  auto& st = self->state;
  auto proof = codec::decode_proof(f.payload, st.cfg.limits);
  if (!proof)
    return refuse(self, conn, close_reason::protocol_violation, "undecodable proof: " + proof.error().detail);
  if (auto err = c.hs->receive_proof(*proof))
    return refuse(self, conn, *err, "proof from " + c.hs->remote_hello().peer.short_hex());
  const auto remote = c.hs->remote_hello();
  if (remote.role == wire::role::client) {
    st.count("mosaik.network.link.clients");
    write_proof(self, conn, c);
    open_from_peer(c);
    c.current = connection::phase::client;
    return;
  }
  if (!may_replace(self, remote.peer, link::side::acceptor))
    return refuse(self, conn, close_reason::already_connected, "linked already; our dial wins the tie-break");
  write_proof(self, conn, c);
  open_from_peer(c);
  promote(self, conn, c, remote.listen_address);
}

// -- dialer -------------------------------------------------------------------

void on_hello_reply(node_actor* self, connection_handle conn, connection& c, const wire::frame& f) {
  auto& st = self->state;
  auto hello = codec::decode_hello(f.payload, st.cfg.limits);
  if (!hello)
    return refuse(self, conn, close_reason::protocol_violation, "undecodable hello");
  const auto* dialled = st.dials.address(c.dial);
  if (dialled != nullptr && dialled->peer && hello->peer != *dialled->peer)
    return refuse(self, conn, close_reason::unexpected_peer,
                  "dialled " + dialled->peer->short_hex() + ", found " + hello->peer.short_hex());
  if (st.misbehaviour.banned(hello->peer, now(self)))
    return refuse(self, conn, close_reason::banned, "peer is banned");
  if (auto err = c.hs->receive_hello(*hello, *st.replay))
    return refuse(self, conn, *err, "hello of " + hello->peer.short_hex());
  st.dials.on_answered(c.dial, hello->peer);
  if (!may_replace(self, hello->peer, link::side::dialer))
    return refuse(self, conn, close_reason::already_connected, "linked meanwhile");
  write_proof(self, conn, c);
}

void on_proof_reply(node_actor* self, connection_handle conn, connection& c, const wire::frame& f) {
  auto& st = self->state;
  auto proof = codec::decode_proof(f.payload, st.cfg.limits);
  if (!proof)
    return refuse(self, conn, close_reason::protocol_violation, "undecodable proof");
  if (auto err = c.hs->receive_proof(*proof))
    return refuse(self, conn, *err, "proof of " + c.hs->remote_hello().peer.short_hex());
  open_from_peer(c);
  const auto* dialled = st.dials.address(c.dial);
  if (dialled == nullptr)
    return promote(self, conn, c, c.hs->remote_hello().listen_address);
  auto address = dialled->endpoint;
  st.dials.on_linked(c.dial, c.hs->remote_hello().peer);
  promote(self, conn, c, address);
}

} // namespace

void on_handshake_frame(node_actor* self, connection_handle conn, const wire::frame& f) {
  auto& st = self->state;
  auto& c = st.conns.at(conn);
  using state = link::handshake::state;
  bool acceptor = c.side == link::side::acceptor;
  switch (f.kind) {
    case frame_kind::close: {
      auto closed = codec::decode_close(f.payload, st.cfg.limits);
      auto cl = closed ? *closed : wire::close{close_reason::protocol_violation, "undecodable close"};
      count_received_close(self, cl, c.source);
      return forget_connection(self, conn, cl.reason, "refused: " + std::string{wire::to_string(cl.reason)});
    }
    case frame_kind::hello:
      if (acceptor && !c.hs)
        return accept_hello(self, conn, c, f);
      if (!acceptor && c.hs->current() == state::awaiting_hello)
        return on_hello_reply(self, conn, c, f);
      break;
    case frame_kind::proof:
      if (c.hs && c.hs->current() == state::awaiting_proof)
        return acceptor ? accept_proof(self, conn, c, f) : on_proof_reply(self, conn, c, f);
      break;
    default:
      break;
  }
  st.m.drops(drop_cause::unauthenticated).inc();
  refuse(self, conn, close_reason::protocol_violation,
         "a " + std::string{wire::to_string(f.kind)} + " frame out of turn");
}

void on_handshake_deadline(node_actor* self, const handshake_deadline& d) {
  auto& st = self->state;
  auto i = st.conns.find(d.conn);
  if (i == st.conns.end() || i->second.generation != d.generation
      || i->second.current == connection::phase::linked)
    return;
  close_connection(self, d.conn, close_reason::handshake_timeout, "the handshake did not finish in time");
}

void on_handshake_ended(node_actor* self, connection& c, close_reason reason, const std::string& detail) {
  dial_failed(self, c.dial, reason, detail);
}

void begin_handshake(node_actor* self, connection_handle conn, std::uint64_t dial, const std::string& host) {
  auto& st = self->state;
  auto cap = st.cfg.link.handshake_record_cap;
  auto& c = st.conns.emplace(conn, connection{link::side::dialer, host, cap}).first->second;
  c.dial = dial;
  c.generation = st.next_generation++;
  c.hs.emplace(link::side::dialer, st.me, st.fresh_nonce(), st.fresh_nonce());
  self->configure_read(conn, caf::io::receive_policy::at_most(cap));
  self->delayed_send(self, st.cfg.link.handshake_timeout, handshake_deadline{conn, c.generation});
  write_hello(self, conn, c);
}

} // namespace mosaik::node
