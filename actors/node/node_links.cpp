// Established links: frames, heartbeats, RTT, misbehaviour, link events.
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

bytes encode_u64(std::uint64_t x) {
  bytes out(8);
  for (int i = 7; i >= 0; --i, x >>= 8)
    out[static_cast<size_t>(i)] = static_cast<std::uint8_t>(x);
  return out;
}

std::optional<std::uint64_t> decode_u64(const bytes& in) {
  if (in.size() != 8)
    return std::nullopt;
  std::uint64_t x = 0;
  for (auto b : in)
    x = (x << 8) | b;
  return x;
}

template <class Event>
void notify(node_actor* self, const Event& e) {
  for (auto& sub : self->state.link_subscribers)
    self->send(sub, e);
}

/// A bad frame from an authenticated peer: count it, and ban the peer once
/// its score crosses the threshold.
void misbehave(node_actor* self, transport::link_entry& l, drop_cause what) {
  auto& st = self->state;
  st.m.drops(what).inc();
  auto until = st.misbehaviour.offend(l.peer, now(self));
  if (!until)
    return;
  st.count("mosaik.network.link.bans");
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(*until - now(self)).count();
  st.log->warn("peer {} keeps sending bad frames ({}); banned for {} s", l.peer.short_hex(), to_string(what), secs);
  drop_link(self, l.peer, close_reason::protocol_violation,
            "too many bad frames; banned for " + std::to_string(secs) + " s", true);
}

void on_ack(node_actor* self, transport::link_entry& l, const wire::frame& f) {
  auto seq = decode_u64(f.payload);
  if (!seq)
    return misbehave(self, l, drop_cause::garbage);
  auto i = l.pings.find(*seq);
  if (i == l.pings.end())
    return; // too old or a duplicate
  auto sample = std::chrono::duration_cast<std::chrono::microseconds>(now(self) - i->second);
  l.rtt.sample(sample);
  l.pings.erase(l.pings.begin(), std::next(i));
  notify(self, link_rtt{l.peer, sample});
}

/// Tells the new peer where our other peers listen, and them about it.
void share_peers(node_actor* self, transport::link_entry& fresh) {
  auto& st = self->state;
  std::vector<link::peer_address> others;
  for (auto& [peer, l] : st.links) {
    if (peer == fresh.peer)
      continue;
    others.push_back({peer, l.address});
    send_on_link(self, l, frame_kind::peers, {}, codec::encode_peer_hints({{fresh.peer, fresh.address}}));
  }
  if (!others.empty())
    send_on_link(self, fresh, frame_kind::peers, {}, codec::encode_peer_hints(others));
}

/// Hints are how a node without discovery learns its peers' peers. With
/// discovery running its gossip decides, and hints (which anyone linked can
/// send by the hundred) are ignored.
void on_peer_hints(node_actor* self, transport::link_entry& l, const wire::frame& f) {
  auto& st = self->state;
  if (!st.cfg.peer_hints) {
    st.count("mosaik.network.link.hints.ignored");
    return;
  }
  auto hints = codec::decode_peer_hints(f.payload, st.cfg.limits);
  if (!hints)
    return misbehave(self, l, drop_cause::garbage);
  for (const auto& h : *hints)
    if (*h.peer != st.me.self && st.links.count(*h.peer) == 0
        && !st.misbehaviour.banned(*h.peer, now(self)))
      add_dial(self, h, false);
}

/// The peer granted more credit: what waited for it goes now.
void on_credit(node_actor* self, transport::link_entry& l, const wire::frame& f) {
  auto n = decode_u64(f.payload);
  if (!n)
    return misbehave(self, l, drop_cause::garbage);
  std::vector<wire::frame> ready;
  l.send.grant(*n, ready);
  for (auto& r : ready)
    send_on_link(self, l, r.kind, r.channel, std::move(r.payload));
  if (l.send.take_writable())
    notify(self, link_writable{l.peer});
}

/// A handler finished with `cost` of the link `id`: grant it back, in batches.
void consumed(node_actor* self, const peer_id& peer, std::uint64_t id, std::uint64_t cost) {
  auto& st = self->state;
  auto l = st.links.find(peer);
  if (l == st.links.end() || l->second.id != id)
    return; // the link is gone, and its window with it
  if (auto grant = l->second.receive.consumed(cost))
    send_on_link(self, l->second, frame_kind::credit, {}, encode_u64(grant));
}

const caf::actor* handler_for(const node_state& st, frame_kind kind, const wire::channel& channel);

/// Hands a data frame to its handler as a request: the answer (every
/// handler answers, even one that returns nothing) says it is done, and
/// only then is its cost granted back to the peer.
void deliver(node_actor* self, transport::link_entry& l, wire::frame f) {
  auto& st = self->state;
  auto cost = link::frame_cost(f.payload.size());
  if (!l.receive.arrived(cost)) {
    st.m.drops(drop_cause::over_credit).inc();
    return drop_link(self, l.peer, close_reason::protocol_violation, "data past the credit it was given", true);
  }
  auto* h = handler_for(st, f.kind, f.channel);
  if (h == nullptr) {
    st.m.drops(drop_cause::no_handler).inc();
    return consumed(self, l.peer, l.id, cost);
  }
  auto held = std::find_if(st.held.begin(), st.held.end(),
                           [&](const held_delivery& d) { return d.handler == *h && d.link == l.id; });
  if (held == st.held.end()) {
    st.held.push_back({*h, l.id, l.peer, std::move(f), cost});
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

} // namespace

wire::frame close_frame(close_reason reason, const std::string& detail) {
  return {frame_kind::close, 0, codec::encode_close({reason, detail}), {}};
}

void count_received_close(node_actor* self, const wire::close& c, const std::string& from) {
  auto& st = self->state;
  st.count("mosaik.network.link.closes.received", reason_label(c.reason));
  st.log->info("{} closed the link: {} ({})", from, wire::to_string(c.reason), c.detail);
}

void send_on_link(node_actor* self, transport::link_entry& l, frame_kind kind,
                  const wire::channel& channel, bytes payload) {
  auto& st = self->state;
  st.m.frames_sent.inc();
  st.m.egress_bytes.inc(payload.size());
  write_frame(self, l.conn, {kind, l.next_sequence++, std::move(payload), channel});
}

void establish_link(node_actor* self, const peer_id& peer, connection_handle conn,
                    const wire::endpoint& address, link::side our_side, const digest& binding) {
  auto& st = self->state;
  transport::link_entry l;
  l.id = st.next_generation++;
  l.peer = peer;
  l.conn = conn;
  l.binding = binding;
  l.address = address;
  l.our_side = our_side;
  l.heartbeat = link::heartbeat_monitor{st.cfg.link.heartbeat_miss_budget};
  l.since = now(self);
  l.send = link::send_window{st.cfg.link.send_backlog};
  l.receive = link::receive_window{st.cfg.link.receive_window};
  st.by_conn[conn] = peer;
  st.links.insert_or_assign(peer, std::move(l));
  st.dials.on_link_up(peer);
  st.m.connections_opened.inc();
  st.log->info("link up with {} at {} ({} dialled)", peer.short_hex(), link::to_string(address),
               our_side == link::side::dialer ? "we" : "they");
  auto& fresh = st.links.at(peer);
  send_on_link(self, fresh, frame_kind::credit, {}, encode_u64(fresh.receive.window()));
  notify(self, link_event{peer, address, true, close_reason::unspecified, binding});
  // With discovery running, its gossip decides which links to open; hints
  // would re-open the links it releases.
  if (st.cfg.link.share_peers && st.cfg.peer_hints)
    share_peers(self, st.links.at(peer));
}

void drop_link(node_actor* self, const peer_id& peer, close_reason reason, const std::string& detail,
               bool send_close_frame) {
  auto& st = self->state;
  auto i = st.links.find(peer);
  if (i == st.links.end())
    return;
  auto conn = i->second.conn;
  if (send_close_frame)
    close_connection(self, conn, reason, detail);
  else
    forget_connection(self, conn, reason, detail);
}

namespace {

/// Takes the entry of `peer` out and reports it down.
transport::link_entry take_link(node_actor* self, const peer_id& peer, close_reason reason,
                                const std::string& detail) {
  auto& st = self->state;
  auto l = std::move(st.links.at(peer));
  st.links.erase(peer);
  st.by_conn.erase(l.conn);
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
  close_connection(self, l.conn, close_reason::already_connected, "replaced by a newer link");
}

void release(node_actor* self, const peer_id& peer) {
  auto& st = self->state;
  auto l = st.links.find(peer);
  if (l == st.links.end())
    return;
  // The dialling side decides: closing a link the peer dialled, or one our
  // bootstrap keeps, would only make it come back.
  if (l->second.our_side != link::side::dialer || st.holds.count(peer) > 0 || st.dials.pins(peer)) {
    st.count("mosaik.network.link.releases", {{"outcome", "kept"}});
    return;
  }
  st.count("mosaik.network.link.releases", {{"outcome", "closed"}});
  drop_link(self, peer, close_reason::released, "no subsystem needs the link", true);
}

void on_link_frame(node_actor* self, transport::link_entry& l,
                   expected<wire::frame, codec::decode_error>& f) {
  auto& st = self->state;
  if (!f) {
    switch (f.error().code) {
      case codec::decode_errc::too_large: return misbehave(self, l, drop_cause::oversized);
      case codec::decode_errc::unknown_kind: return misbehave(self, l, drop_cause::unknown_kind);
      default: return misbehave(self, l, drop_cause::garbage);
    }
  }
  st.m.frames_received.inc();
  st.m.ingress_bytes.inc(f->payload.size());
  switch (f->kind) {
    case frame_kind::heartbeat:
      return send_on_link(self, l, frame_kind::heartbeat_ack, {}, encode_u64(f->sequence));
    case frame_kind::heartbeat_ack:
      return on_ack(self, l, *f);
    case frame_kind::close: {
      auto c = codec::decode_close(f->payload, st.cfg.limits);
      auto closed = c ? *c : wire::close{close_reason::protocol_violation, "undecodable close"};
      count_received_close(self, closed, l.peer.short_hex());
      return drop_link(self, l.peer, closed.reason, closed.detail, false);
    }
    case frame_kind::hello:
    case frame_kind::proof:
    case frame_kind::status:
      return misbehave(self, l, drop_cause::unexpected_kind);
    case frame_kind::peers:
      return on_peer_hints(self, l, *f);
    case frame_kind::credit:
      return on_credit(self, l, *f);
    default:
      return deliver(self, l, std::move(*f));
  }
}

send_outcome send_data(node_actor* self, transport::link_entry& l, wire::frame f) {
  std::vector<wire::frame> ready;
  auto out = l.send.offer(std::move(f), ready);
  for (auto& r : ready)
    send_on_link(self, l, r.kind, r.channel, std::move(r.payload));
  switch (out) {
    case link::send_window::outcome::sent: return send_outcome::sent;
    case link::send_window::outcome::queued: return send_outcome::queued;
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
  auto& st = self->state;
  std::vector<peer_id> dead;
  for (auto& [peer, l] : st.links) {
    if (!l.heartbeat.tick()) {
      dead.push_back(peer);
      continue;
    }
    l.pings.emplace(l.next_sequence, now(self));
    while (l.pings.size() > st.cfg.link.heartbeat_miss_budget + 1)
      l.pings.erase(l.pings.begin());
    send_on_link(self, l, frame_kind::heartbeat, {}, {});
  }
  for (auto& peer : dead)
    drop_link(self, peer, close_reason::heartbeat_timeout,
              "silent for " + std::to_string(st.cfg.link.heartbeat_miss_budget) + " heartbeat intervals",
              true);
}

} // namespace mosaik::node
