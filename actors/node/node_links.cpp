// Established links: the node's side of its link table
// (actors/core/link/link_table.hpp), which keeps their heartbeats, RTT,
// sequence numbers and flow windows. Here: the frames to local handlers,
// peer hints, misbehaviour, link events, and carrying out what the table
// asks (writes, closes, events).
#include "actors/node/node_api.hpp"
#include "actors/node/node_internal.hpp"
#include "schemas/codec/frame_codec.hpp"
#include "schemas/codec/handshake_codec.hpp"
#include "schemas/codec/peers_codec.hpp"

#include <caf/actor_system.hpp>

#include <algorithm>

namespace mosaik::node {

namespace {

using wire::close_reason;
using wire::frame_kind;

template <class Event>
void notify(node_actor* self, const Event& e) {
  for (auto& sub : self->state.link_subscribers)
    self->send(sub, e);
}

connection_handle handle_of(link::conn_key conn) {
  return connection_handle::from_int(conn);
}

/// Carries out what the link table asks until it asks nothing more (a
/// write may end a connection, and with it a link).
void run_links(node_actor* self) {
  auto& st = self->state;
  for (auto out = st.links.take_output(); !out.empty(); out = st.links.take_output()) {
    for (auto& w : out.writes) {
      st.m.frames_sent.inc();
      st.m.egress_bytes.inc(w.frame.payload.size());
      write_frame(self, handle_of(w.conn), w.frame);
    }
    for (const auto& r : out.rtts)
      notify(self, link_rtt{r.peer, r.sample});
    for (const auto& peer : out.writable)
      notify(self, link_writable{peer});
    for (const auto& c : out.closes)
      drop_link(self, c.peer, c.reason, c.detail, true);
  }
}

/// A bad frame from an authenticated peer: count it, and ban the peer once
/// its score crosses the threshold.
void misbehave(node_actor* self, const peer_id& peer, drop_cause what) {
  auto& st = self->state;
  st.m.drops(what).inc();
  auto until = st.misbehaviour.offend(peer, now(self));
  if (!until)
    return;
  st.count("mosaik.network.link.bans");
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(*until - now(self)).count();
  st.log->warn("peer {} keeps sending bad frames ({}); banned for {} s", peer.short_hex(), to_string(what), secs);
  drop_link(self, peer, close_reason::protocol_violation,
            "too many bad frames; banned for " + std::to_string(secs) + " s", true);
}

/// Tells the new peer where our other peers listen, and them about it.
void share_peers(node_actor* self, const peer_id& fresh) {
  auto& st = self->state;
  auto fresh_address = st.links.at(fresh).address;
  std::vector<link::peer_address> others;
  for (const auto& [peer, l] : st.links.entries()) {
    if (peer == fresh)
      continue;
    others.push_back({peer, l.address});
    st.links.send(peer, frame_kind::peers, {}, codec::encode_peer_hints({{fresh, fresh_address}}));
  }
  if (!others.empty())
    st.links.send(fresh, frame_kind::peers, {}, codec::encode_peer_hints(others));
}

/// Hints are how a node without discovery learns its peers' peers. With
/// discovery running its gossip decides, and hints (which anyone linked can
/// send by the hundred) are ignored.
void on_peer_hints(node_actor* self, const peer_id& from, const wire::frame& f) {
  auto& st = self->state;
  if (!st.cfg.peer_hints) {
    st.count("mosaik.network.link.hints.ignored");
    return;
  }
  auto hints = codec::decode_peer_hints(f.payload, st.cfg.limits);
  if (!hints)
    return misbehave(self, from, drop_cause::garbage);
  for (const auto& h : *hints)
    if (*h.peer != st.me.self && st.links.count(*h.peer) == 0
        && !st.misbehaviour.banned(*h.peer, now(self)))
      add_dial(self, h, false);
}

/// A handler finished with `cost` of the link `id`: grant it back, in batches.
void consumed(node_actor* self, const peer_id& peer, std::uint64_t id, std::uint64_t cost) {
  self->state.links.consumed(peer, id, cost);
  run_links(self);
}

const caf::actor* handler_for(const node_state& st, frame_kind kind, const wire::channel& channel);

/// Hands a data frame to its handler as a request: the answer (every
/// handler answers, even one that returns nothing) says it is done, and
/// only then is its cost granted back to the peer.
void deliver(node_actor* self, const peer_id& from, wire::frame f) {
  auto& st = self->state;
  auto cost = link::frame_cost(f.payload.size());
  if (!st.links.arrived(from, cost)) {
    st.m.drops(drop_cause::over_credit).inc();
    return; // the table closes the link
  }
  auto id = st.links.at(from).id;
  auto* h = handler_for(st, f.kind, f.channel);
  if (h == nullptr) {
    st.m.drops(drop_cause::no_handler).inc();
    return st.links.consumed(from, id, cost);
  }
  auto held = std::find_if(st.held.begin(), st.held.end(),
                           [&](const held_delivery& d) { return d.handler == *h && d.link == id; });
  if (held == st.held.end()) {
    st.held.push_back({*h, id, from, std::move(f), cost});
    return;
  }
  auto& prev = held->frame;
  self->send(*h, frame_received{held->from, prev.kind, prev.channel, std::move(prev.payload)});
  held->frame = std::move(f);
  held->cost += cost;
}

/// The handler of (kind, channel), else of (kind, none).
const caf::actor* handler_for(const node_state& st, frame_kind kind, const wire::channel& channel) {
  auto h = st.handlers.find({kind, channel});
  if (h == st.handlers.end() && channel)
    h = st.handlers.find({kind, std::nullopt});
  return h == st.handlers.end() ? nullptr : &h->second;
}

void on_frame(node_actor* self, const peer_id& from, expected<wire::frame, codec::decode_error>& f) {
  auto& st = self->state;
  if (!f) {
    switch (f.error().code) {
      case codec::decode_errc::too_large: return misbehave(self, from, drop_cause::oversized);
      case codec::decode_errc::unknown_kind: return misbehave(self, from, drop_cause::unknown_kind);
      default: return misbehave(self, from, drop_cause::garbage);
    }
  }
  st.m.frames_received.inc();
  st.m.ingress_bytes.inc(f->payload.size());
  switch (f->kind) {
    case frame_kind::heartbeat:
      return st.links.on_heartbeat(from, f->sequence);
    case frame_kind::heartbeat_ack:
      if (!st.links.on_ack(from, f->payload, now(self)))
        misbehave(self, from, drop_cause::garbage);
      return;
    case frame_kind::close: {
      auto c = codec::decode_close(f->payload, st.cfg.limits);
      auto closed = c ? *c : wire::close{close_reason::protocol_violation, "undecodable close"};
      count_received_close(self, closed, from.short_hex());
      return drop_link(self, from, closed.reason, closed.detail, false);
    }
    case frame_kind::hello:
    case frame_kind::proof:
    case frame_kind::status:
      return misbehave(self, from, drop_cause::unexpected_kind);
    case frame_kind::peers:
      return on_peer_hints(self, from, *f);
    case frame_kind::credit:
      if (!st.links.on_credit(from, f->payload))
        misbehave(self, from, drop_cause::garbage);
      return;
    default:
      return deliver(self, from, std::move(*f));
  }
}

} // namespace

wire::frame close_frame(close_reason reason, const std::string& detail) {
  return {frame_kind::close, 0, codec::encode_close({reason, detail}), {}};
}

void count_received_close(node_actor* self, const wire::close& c, const std::string& from) {
  auto& st = self->state;
  st.count("mosaik.network.link.closes.received", reason_label(c.reason));
  st.log->info("{} closed the link: {} ({})", from, wire::to_string(c.reason), c.detail);
}

void establish_link(node_actor* self, const peer_id& peer, connection_handle conn,
                    const wire::endpoint& address, link::side our_side, const digest& binding) {
  auto& st = self->state;
  st.links.establish(peer, conn.id(), address, our_side);
  st.dials.on_link_up(peer);
  st.m.connections_opened.inc();
  st.log->info("link up with {} at {} ({} dialled)", peer.short_hex(), link::to_string(address),
               our_side == link::side::dialer ? "we" : "they");
  run_links(self); // the opening grant
  notify(self, link_event{peer, address, true, close_reason::unspecified, binding});
  // With discovery running, its gossip decides which links to open; hints
  // would re-open the links it releases.
  if (st.cfg.link.share_peers && st.cfg.peer_hints) {
    share_peers(self, peer);
    run_links(self);
  }
}

void drop_link(node_actor* self, const peer_id& peer, close_reason reason, const std::string& detail,
               bool send_close_frame) {
  auto& st = self->state;
  const auto* l = st.links.find(peer);
  if (l == nullptr)
    return;
  auto conn = handle_of(l->conn);
  if (send_close_frame)
    close_connection(self, conn, reason, detail);
  else
    forget_connection(self, conn, reason, detail);
}

namespace {

/// Takes the entry of `peer` out and reports it down.
link::link_table::entry take_link(node_actor* self, const peer_id& peer, close_reason reason,
                                  const std::string& detail) {
  auto& st = self->state;
  auto l = st.links.remove(peer).value();
  st.m.connections_closed.inc();
  st.log->info("link down with {}: {} ({})", peer.short_hex(), wire::to_string(reason), detail);
  notify(self, link_event{peer, l.address, false, reason, {}});
  return l;
}

} // namespace

void link_down(node_actor* self, peer_id peer, close_reason reason, const std::string& detail) {
  if (self->state.links.count(peer) == 0)
    return;
  auto l = take_link(self, peer, reason, detail);
  plan_reconnect(self, peer, l.address, reason);
}

void retire_link(node_actor* self, const peer_id& peer) {
  auto l = take_link(self, peer, close_reason::already_connected, "replaced by a newer link");
  close_connection(self, handle_of(l.conn), close_reason::already_connected, "replaced by a newer link");
}

void release(node_actor* self, const peer_id& peer) {
  auto& st = self->state;
  const auto* l = st.links.find(peer);
  if (l == nullptr)
    return;
  // The dialling side decides: closing a link the peer dialled, or one our
  // bootstrap keeps, would only make it come back.
  if (l->our_side != link::side::dialer || st.holds.count(peer) > 0 || st.dials.pins(peer)) {
    st.count("mosaik.network.link.releases", {{"outcome", "kept"}});
    return;
  }
  st.count("mosaik.network.link.releases", {{"outcome", "closed"}});
  drop_link(self, peer, close_reason::released, "no subsystem needs the link", true);
}

void on_link_frame(node_actor* self, const peer_id& from, expected<wire::frame, codec::decode_error>& f) {
  self->state.links.heard(from);
  on_frame(self, from, f);
  run_links(self);
}

send_outcome send_data(node_actor* self, const peer_id& to, wire::frame f, bool past_cap) {
  auto out = self->state.links.offer(to, std::move(f), past_cap);
  run_links(self);
  switch (out) {
    case link::send_window::outcome::sent: return send_outcome::sent;
    case link::send_window::outcome::queued: return send_outcome::queued;
    case link::send_window::outcome::over_cap:
      self->state.count("mosaik.network.link.frames.past_cap");
      return send_outcome::over_cap;
    case link::send_window::outcome::full: break;
  }
  self->state.m.drops(drop_cause::link_full).inc();
  return send_outcome::full;
}

void release_held(node_actor* self) {
  auto& st = self->state;
  for (auto& d : st.held) {
    auto done = [self, peer = d.from, id = d.link, cost = d.cost] { consumed(self, peer, id, cost); };
    self->request(d.handler, caf::infinite,
                  frame_received{d.from, d.frame.kind, d.frame.channel, std::move(d.frame.payload)})
      .then([done]() { done(); }, [done](caf::error&) { done(); });
  }
  st.held.clear();
}

void on_heartbeat_tick(node_actor* self) {
  self->state.links.tick(now(self));
  run_links(self);
}

} // namespace mosaik::node
