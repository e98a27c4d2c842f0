// Records on the node's connections: accepting within the limits, reading
// and opening records, writing and sealing frames, closing.
#include "actors/core/link/admission.hpp"
#include "actors/node/node_internal.hpp"
#include "schemas/codec/frame_codec.hpp"
#include "schemas/codec/frame_record.hpp"
#include "schemas/codec/handshake_codec.hpp"

#include <caf/io/receive_policy.hpp>

namespace mosaik::node {

namespace {

using caf::io::receive_policy;
using transport::connection;
using wire::close_reason;

std::string describe(const connection& c) {
  if (c.hs && c.hs->current() != link::handshake::state::awaiting_hello)
    return c.hs->remote_hello().peer.short_hex() + " (" + c.source + ")";
  return c.source;
}

/// The node's open connections, as admission (link/admission.hpp) sees them.
std::vector<link::open_connection> census(const node_state& st) {
  std::vector<link::open_connection> open;
  open.reserve(st.conns.size());
  for (const auto& [hdl, c] : st.conns) {
    bool handshaking = c.current == connection::phase::handshake;
    bool hello = c.hs && c.hs->current() != link::handshake::state::awaiting_hello;
    open.push_back({static_cast<std::uint64_t>(hdl.id()), c.source, handshaking,
                    c.side == link::side::acceptor, hello, c.generation});
  }
  return open;
}

void mark_unflushed(node_actor* self, connection_handle conn) {
  auto& st = self->state;
  if (st.unflushed.empty())
    self->send(self, flush_now{}); // after every message already queued: one write per burst
  st.unflushed.insert(conn);
}

/// Ends `conn` for good: an optional close first, then the socket; then
/// whatever the connection was (a link, a dial's handshake) ends with it.
void end_connection(node_actor* self, connection_handle conn, close_reason reason,
                    const std::string& detail, bool send_close) {
  auto& st = self->state;
  auto i = st.conns.find(conn);
  if (i == st.conns.end())
    return;
  if (send_close) {
    st.count("mosaik.network.link.closes.sent", reason_label(reason));
    st.log->info("closing connection to {}: {} ({})", describe(i->second), wire::to_string(reason), detail);
    write_frame(self, conn, close_frame(reason, detail));
  }
  auto c = std::move(i->second);
  st.reassembly_reserved -= c.reserved;
  st.conns.erase(i);
  st.unflushed.erase(conn);
  self->flush(conn);
  self->close(conn);
  if (auto peer = st.links.peer_on(conn.id()))
    link_down(self, *peer, reason, detail);
  else if (c.current == connection::phase::handshake)
    on_handshake_ended(self, c, reason, detail);
}

/// A large record under way holds its size from the node's budget until it
/// is complete; false when the budget cannot cover it.
bool reserve_reassembly(node_state& st, connection& c) {
  auto need = c.reader.pending_body();
  if (need <= st.cfg.link.large_record)
    need = 0;
  if (need == c.reserved)
    return true;
  st.reassembly_reserved -= c.reserved;
  c.reserved = 0;
  if (st.reassembly_reserved + need > st.cfg.link.reassembly_budget)
    return false;
  st.reassembly_reserved += need;
  c.reserved = need;
  return true;
}

void on_record(node_actor* self, connection_handle conn, connection& c, bytes body) {
  auto& st = self->state;
  // Opened and decoded where it lies: the body's buffer becomes the payload
  // the handler gets.
  if (c.rx && !c.rx->open_in_place(body)) {
    st.m.drops(drop_cause::unauthenticated).inc();
    return close_connection(self, conn, close_reason::protocol_violation,
                            "a record that does not authenticate (replayed, reordered or altered)");
  }
  auto f = codec::decode_frame_in_place(std::move(body), st.cfg.limits);
  switch (c.current) {
    case connection::phase::linked:
      return on_link_frame(self, st.links.peer_on(conn.id()).value(), f);
    case connection::phase::client:
      if (f && f->kind == wire::frame_kind::status)
        return answer_status(self, conn);
      return close_connection(self, conn, close_reason::protocol_violation, "a client may only ask for status");
    case connection::phase::handshake:
      if (!f) {
        st.m.drops(drop_cause::unauthenticated).inc();
        return close_connection(self, conn, close_reason::protocol_violation,
                                "undecodable handshake record: " + f.error().detail);
      }
      return on_handshake_frame(self, conn, *f);
  }
}

/// The records of `chunk`, each acted on in turn.
void read_records(node_actor* self, connection_handle conn, byte_view chunk) {
  auto& st = self->state;
  if (auto i = st.conns.find(conn); i != st.conns.end())
    i->second.reader.feed(chunk);
  // A record may close the connection or change the cap for the next one.
  for (auto i = st.conns.find(conn); i != st.conns.end(); i = st.conns.find(conn)) {
    auto next = i->second.reader.next();
    if (!next) {
      st.m.drops(drop_cause::oversized).inc();
      return close_connection(self, conn, close_reason::protocol_violation,
                              "a record of " + std::to_string(next.error().declared)
                                + " bytes over the cap of " + std::to_string(next.error().cap));
    }
    if (!reserve_reassembly(st, i->second)) {
      st.count("mosaik.network.link.reassembly.refused");
      return close_connection(self, conn, close_reason::too_slow,
                              "a record of " + std::to_string(i->second.reader.pending_body())
                                + " bytes does not fit the reassembly budget now");
    }
    if (!*next)
      return;
    on_record(self, conn, i->second, std::move(**next));
  }
}

/// Closes a newcomer `admit` refused, or the handshake it takes the slot of.
bool make_room(node_actor* self, connection_handle conn, const std::string& source) {
  auto& st = self->state;
  auto verdict = st.shutting_down ? link::admission{link::admission::verdict::refuse, "departing"}
                                  : link::admit(st.cfg.link, census(st), source);
  std::string limit{verdict.limit};
  if (verdict.what == link::admission::verdict::refuse) {
    st.count("mosaik.network.link.connections.refused", {{"limit", limit}});
    st.log->debug("refused a connection from {}: {} limit", source, limit);
    self->close(conn);
    return false;
  }
  if (verdict.what == link::admission::verdict::evict_then_admit) {
    // Quietly, as a refusal: a flood must not buy a close frame and a log line each.
    st.count("mosaik.network.link.connections.evicted", {{"limit", limit}});
    st.log->debug("evicted a handshake for a connection from {}: {} limit", source, limit);
    forget_connection(self, connection_handle::from_int(static_cast<std::int64_t>(verdict.evict)),
                      close_reason::too_slow, "its handshake slot went to a less loaded host");
  }
  return true;
}

} // namespace

void on_new_connection(node_actor* self, connection_handle conn) {
  auto& st = self->state;
  auto source = self->remote_addr(conn);
  if (!make_room(self, conn, source))
    return;
  auto cap = st.cfg.link.handshake_record_cap;
  auto& c = st.conns.emplace(conn, connection{link::side::acceptor, source, cap}).first->second;
  c.generation = st.next_generation++;
  self->configure_read(conn, receive_policy::at_most(cap));
  self->delayed_send(self, st.cfg.link.handshake_timeout, handshake_deadline{conn, c.generation});
}

void on_data(node_actor* self, connection_handle conn, byte_view chunk) {
  read_records(self, conn, chunk);
  release_held(self);
}

void on_connection_lost(node_actor* self, connection_handle conn) {
  end_connection(self, conn, close_reason::connection_lost, "transport connection lost", false);
}

bool write_frame(node_actor* self, connection_handle conn, const wire::frame& f) {
  auto& st = self->state;
  auto i = st.conns.find(conn);
  if (i == st.conns.end())
    return false;
  auto& buf = self->wr_buf(conn);
  if (buf.size() > st.cfg.link.send_buffer_cap) {
    st.count("mosaik.network.link.send_buffer_overflows");
    end_connection(self, conn, close_reason::too_slow,
                   std::to_string(buf.size()) + " bytes unsent: the peer does not read", false);
    return false;
  }
  auto& tx = i->second.tx;
  codec::append_frame_record(buf, f, tx ? &*tx : nullptr);
  mark_unflushed(self, conn);
  return true;
}

void close_connection(node_actor* self, connection_handle conn, close_reason reason,
                      const std::string& detail) {
  end_connection(self, conn, reason, detail, true);
}

void forget_connection(node_actor* self, connection_handle conn, close_reason reason,
                       const std::string& detail) {
  end_connection(self, conn, reason, detail, false);
}

void flush_all(node_actor* self) {
  auto& st = self->state;
  for (auto conn : st.unflushed)
    self->flush(conn);
  st.unflushed.clear();
}

} // namespace mosaik::node
