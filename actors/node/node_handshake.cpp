// Both sides of the link handshake. The dialer sends requests, the acceptor
// answers them, so a reply always belongs to the dial that asked, even when
// both nodes dial each other at once (the tie-break then picks one).
#include "actors/core/link/tie_break.hpp"
#include "actors/node/node_internal.hpp"
#include "schemas/codec/frame_codec.hpp"
#include "schemas/codec/handshake_codec.hpp"

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/sec.hpp>

#include <algorithm>

namespace mosaik::node {

namespace {

using wire::close_reason;
using transport::dial_entry;

/// Refuses the handshake request being handled, with a typed reason.
void refuse(node_actor* self, const caf::strong_actor_ptr& sender, close_reason reason,
            const std::string& detail) {
  auto& st = self->state;
  st.count("mosaik.network.link.closes.sent", reason_label(reason));
  st.log->info("refused handshake from {}: {} ({})", name_of(sender), wire::to_string(reason), detail);
  respond(self, close_frame(reason, detail));
}

// -- dialer -------------------------------------------------------------------

dial_entry* find_dial(node_actor* self, std::uint64_t id, std::uint64_t attempt) {
  auto i = self->state.dials.find(id);
  if (i == self->state.dials.end() || i->second.attempt != attempt)
    return nullptr;
  return &i->second;
}

void schedule_retry(node_actor* self, std::uint64_t id, dial_entry& d) {
  auto& st = self->state;
  d.current = dial_entry::phase::waiting;
  d.hs.reset();
  d.remote = nullptr;
  if (st.shutting_down)
    return;
  auto attempt = ++d.attempt;
  self->delayed_send(self, d.backoff.next(st.rng), redial{id, attempt});
}

void accept_hello(node_actor* self, const wire::frame& f, const caf::strong_actor_ptr& sender) {
  auto& st = self->state;
  auto addr = caf::actor_cast<caf::actor_addr>(sender);
  auto hello = codec::decode_hello(f.payload, st.cfg.limits);
  if (!hello)
    return refuse(self, sender, close_reason::protocol_violation, "undecodable hello: " + hello.error().detail);
  if (st.shutting_down)
    return refuse(self, sender, close_reason::departing, "shutting down");
  if (st.misbehaviour.banned(hello->peer, now(self)))
    return refuse(self, sender, close_reason::banned, "refused for a while after bad frames");
  if (st.accepting.count(addr) == 0 && st.accepting.size() >= st.cfg.link.max_pending_handshakes)
    return refuse(self, sender, close_reason::unspecified, "too many handshakes in flight");
  // Braced arguments are evaluated left to right: seeded runs replay.
  link::handshake hs{link::side::acceptor, st.me, st.fresh_nonce(), st.fresh_nonce()};
  if (auto err = hs.receive_hello(*hello, *st.replay))
    return refuse(self, sender, *err, "hello from " + hello->peer.short_hex());
  if (hello->role == wire::role::node) {
    // Both sides dialled each other: keep the dial of the smaller peer id.
    for (auto& [id, d] : st.dials) {
      if (d.current != dial_entry::phase::handshaking || !d.remote
          || d.remote->node() != sender->node())
        continue;
      if (link::dial_wins(st.me.self, hello->peer))
        return refuse(self, sender, close_reason::already_connected, "our own dial wins the tie-break");
      st.log->debug("tie-break: dial of {} wins over ours", hello->peer.short_hex());
      if (!d.address.peer)
        d.address.peer = hello->peer;
      schedule_retry(self, id, d); // finds the link up when it fires
    }
    // The peer starts over: whatever we still hold for it is stale.
    if (st.links.count(hello->peer) != 0)
      drop_link(self, hello->peer, close_reason::connection_lost, "the peer started a new handshake",
                false);
  }
  auto generation = st.next_generation++;
  auto local = hs.local_hello();
  st.accepting.insert_or_assign(addr, transport::pending_accept{std::move(hs), sender, generation});
  self->delayed_send(self, st.cfg.link.handshake_timeout, accept_timeout{addr, generation});
  respond(self, {wire::frame_kind::hello, 0, codec::encode_hello(local)});
}

void accept_proof(node_actor* self, const wire::frame& f, const caf::strong_actor_ptr& sender) {
  auto& st = self->state;
  auto addr = caf::actor_cast<caf::actor_addr>(sender);
  auto i = st.accepting.find(addr);
  if (i == st.accepting.end())
    return refuse(self, sender, close_reason::stale_proof, "no handshake in progress");
  auto pending = std::move(i->second);
  st.accepting.erase(i);
  auto proof = codec::decode_proof(f.payload, st.cfg.limits);
  if (!proof)
    return refuse(self, sender, close_reason::protocol_violation, "undecodable proof: " + proof.error().detail);
  if (auto err = pending.hs.receive_proof(*proof))
    return refuse(self, sender, *err, "proof from " + pending.hs.remote_hello().peer.short_hex());
  const auto& remote = pending.hs.remote_hello();
  auto ours = codec::encode_proof(pending.hs.make_proof(*st.key));
  if (remote.role == wire::role::client) {
    // A client gets one status answer; keep only a bounded number waiting.
    if (st.clients.size() >= st.cfg.link.max_pending_handshakes)
      st.clients.erase(st.clients.begin());
    st.clients.insert(addr);
    st.count("mosaik.network.link.clients");
    respond(self, {wire::frame_kind::proof, 0, std::move(ours)});
    return;
  }
  if (st.links.count(remote.peer) != 0)
    return refuse(self, sender, close_reason::already_connected, "linked meanwhile");
  respond(self, {wire::frame_kind::proof, 0, std::move(ours)});
  establish_link(self, remote.peer, sender, remote.listen_address, link::side::acceptor);
}

/// A dial attempt ended without a link; `reason` is set when a close was
/// sent or received.
void dial_failed(node_actor* self, std::uint64_t id, dial_entry& d,
                 std::optional<close_reason> reason, const std::string& detail) {
  auto& st = self->state;
  st.count("mosaik.network.link.dials.failed");
  st.log->debug("dial {} failed: {}", link::to_string(d.address), detail);
  if (reason == close_reason::self_connection) {
    st.log->warn("{} is this node itself; not dialling it again", link::to_string(d.address));
    st.dials.erase(id);
    return;
  }
  if (!d.persistent && ++d.failures >= st.cfg.link.max_dial_failures) {
    st.log->info("giving up on {} after {} failed attempts", link::to_string(d.address), d.failures);
    st.count("mosaik.network.link.dials.given_up");
    st.dials.erase(id);
    return;
  }
  schedule_retry(self, id, d);
}

/// Sends a close for this dial and gives up the attempt.
void abort_dial(node_actor* self, std::uint64_t id, dial_entry& d, close_reason reason,
                const std::string& detail) {
  send_close(self, d.remote, reason, detail);
  dial_failed(self, id, d, reason, detail);
}

/// Decodes a handshake reply; a close is logged, counted and ends the dial.
std::optional<wire::frame> read_reply(node_actor* self, std::uint64_t id, dial_entry& d,
                                      const transport::frame_msg& m, wire::frame_kind expected) {
  auto& st = self->state;
  auto data = m.view();
  auto f = codec::decode_frame(data, st.cfg.limits);
  if (f && f->kind == wire::frame_kind::close) {
    auto c = codec::decode_close(f->payload, st.cfg.limits);
    auto closed = c ? *c : wire::close{close_reason::protocol_violation, "undecodable close"};
    count_received_close(self, closed, link::to_string(d.address));
    dial_failed(self, id, d, closed.reason, "refused: " + std::string{wire::to_string(closed.reason)});
    return std::nullopt;
  }
  if (!f || f->kind != expected) {
    abort_dial(self, id, d, close_reason::protocol_violation, "unexpected handshake reply");
    return std::nullopt;
  }
  return std::move(*f);
}

void on_request_error(node_actor* self, std::uint64_t id, std::uint64_t attempt, const caf::error& err) {
  auto* d = find_dial(self, id, attempt);
  if (d == nullptr)
    return;
  if (err == caf::sec::request_timeout)
    abort_dial(self, id, *d, close_reason::handshake_timeout, "no reply within the handshake timeout");
  else
    dial_failed(self, id, *d, std::nullopt, self->system().render(err));
}

/// A reply to an attempt we gave up (tie-break, retry): a close in it is
/// still logged and counted, so both sides account for every refusal.
void on_stale_reply(node_actor* self, const transport::frame_msg& m) {
  auto& st = self->state;
  auto f = codec::decode_frame(m.view(), st.cfg.limits);
  if (!f || f->kind != wire::frame_kind::close)
    return;
  if (auto c = codec::decode_close(f->payload, st.cfg.limits))
    count_received_close(self, *c, "a superseded dial");
}

void on_proof_reply(node_actor* self, std::uint64_t id, std::uint64_t attempt,
                    const transport::frame_msg& m) {
  auto* d = find_dial(self, id, attempt);
  if (d == nullptr || !d->hs)
    return on_stale_reply(self, m);
  auto f = read_reply(self, id, *d, m, wire::frame_kind::proof);
  if (!f)
    return;
  auto& st = self->state;
  auto proof = codec::decode_proof(f->payload, st.cfg.limits);
  if (!proof)
    return abort_dial(self, id, *d, close_reason::protocol_violation, "undecodable proof");
  if (auto err = d->hs->receive_proof(*proof))
    return abort_dial(self, id, *d, *err, "proof of " + d->hs->remote_hello().peer.short_hex());
  auto peer = d->hs->remote_hello().peer;
  d->current = dial_entry::phase::linked;
  d->linked_peer = peer;
  d->backoff.reset();
  d->failures = 0;
  auto remote = d->remote;
  d->hs.reset();
  establish_link(self, peer, remote, d->address.endpoint, link::side::dialer);
}

void on_hello_reply(node_actor* self, std::uint64_t id, std::uint64_t attempt,
                    const transport::frame_msg& m) {
  auto* d = find_dial(self, id, attempt);
  if (d == nullptr || !d->hs)
    return on_stale_reply(self, m);
  auto f = read_reply(self, id, *d, m, wire::frame_kind::hello);
  if (!f)
    return;
  auto& st = self->state;
  auto hello = codec::decode_hello(f->payload, st.cfg.limits);
  if (!hello)
    return abort_dial(self, id, *d, close_reason::protocol_violation, "undecodable hello");
  if (d->address.peer && hello->peer != *d->address.peer)
    return abort_dial(self, id, *d, close_reason::unexpected_peer,
                      "dialled " + d->address.peer->short_hex() + ", found " + hello->peer.short_hex());
  if (st.misbehaviour.banned(hello->peer, now(self)))
    return abort_dial(self, id, *d, close_reason::banned, "peer is banned");
  if (auto err = d->hs->receive_hello(*hello, *st.replay))
    return abort_dial(self, id, *d, *err, "hello of " + hello->peer.short_hex());
  if (st.links.count(hello->peer) != 0)
    return abort_dial(self, id, *d, close_reason::already_connected, "linked meanwhile");
  auto proof = d->hs->make_proof(*st.key);
  self
    ->request(caf::actor_cast<caf::actor>(d->remote), st.cfg.link.handshake_timeout,
              transport::to_msg({wire::frame_kind::proof, 0, codec::encode_proof(proof)}))
    .then([=](transport::frame_msg& reply) { on_proof_reply(self, id, attempt, reply); },
          [=](caf::error& err) { on_request_error(self, id, attempt, err); });
}

void on_connected(node_actor* self, std::uint64_t id, std::uint64_t attempt, const caf::node_id& nid,
                  const caf::strong_actor_ptr& remote) {
  auto* d = find_dial(self, id, attempt);
  if (d == nullptr)
    return;
  auto& st = self->state;
  if (!remote)
    return dial_failed(self, id, *d, std::nullopt, "nothing is published there");
  if (auto i = st.by_node.find(nid); i != st.by_node.end()) {
    d->current = dial_entry::phase::linked;
    d->linked_peer = i->second;
    return;
  }
  for (const auto& [addr, pending] : st.accepting)
    if (pending.remote && pending.remote->node() == nid)
      return schedule_retry(self, id, *d); // its dial to us is under way
  d->remote = remote;
  auto nonce = st.fresh_nonce(); // drawn in this order, so seeded runs replay
  auto ephemeral_seed = st.fresh_nonce();
  d->hs.emplace(link::side::dialer, st.me, nonce, ephemeral_seed);
  d->current = dial_entry::phase::handshaking;
  self
    ->request(caf::actor_cast<caf::actor>(remote), st.cfg.link.handshake_timeout,
              transport::to_msg({wire::frame_kind::hello, 0, codec::encode_hello(d->hs->local_hello())}))
    .then([=](transport::frame_msg& reply) { on_hello_reply(self, id, attempt, reply); },
          [=](caf::error& err) { on_request_error(self, id, attempt, err); });
}

} // namespace

void on_handshake_frame(node_actor* self, const wire::frame& f, const caf::strong_actor_ptr& sender) {
  auto& st = self->state;
  bool request = self->current_message_id().is_request();
  switch (f.kind) {
    case wire::frame_kind::hello:
      if (request)
        return accept_hello(self, f, sender);
      break;
    case wire::frame_kind::proof:
      if (request)
        return accept_proof(self, f, sender);
      break;
    case wire::frame_kind::close: {
      auto i = st.accepting.find(caf::actor_cast<caf::actor_addr>(sender));
      if (i == st.accepting.end())
        break;
      auto c = codec::decode_close(f.payload, st.cfg.limits);
      count_received_close(self, c ? *c : wire::close{close_reason::protocol_violation, "undecodable"},
                           name_of(sender));
      st.accepting.erase(i);
      return;
    }
    default:
      break;
  }
  st.m.drops(drop_cause::unauthenticated).inc();
}

void on_accept_timeout(node_actor* self, const accept_timeout& t) {
  auto& st = self->state;
  auto i = st.accepting.find(t.who);
  if (i == st.accepting.end() || i->second.generation != t.generation)
    return;
  send_close(self, i->second.remote, close_reason::handshake_timeout, "no proof within the handshake timeout");
  st.accepting.erase(i);
}

std::uint64_t add_dial(node_actor* self, const link::peer_address& address, bool persistent) {
  auto& st = self->state;
  for (auto& [id, d] : st.dials)
    if (d.address.endpoint == address.endpoint) {
      d.persistent = d.persistent || persistent;
      if (address.peer)
        d.address.peer = address.peer;
      return id;
    }
  if (!persistent) {
    auto learned = std::count_if(st.dials.begin(), st.dials.end(),
                                 [](const auto& kv) { return !kv.second.persistent; });
    if (static_cast<std::size_t>(learned) >= st.cfg.link.max_learned_dials) {
      st.count("mosaik.network.link.dials.refused");
      return 0;
    }
  }
  auto id = st.next_dial_id++;
  auto& d = st.dials[id];
  d.address = address;
  d.persistent = persistent;
  d.backoff = link::backoff{st.cfg.link.reconnect};
  start_dial(self, id, d.attempt);
  return id;
}

void start_dial(node_actor* self, std::uint64_t id, std::uint64_t attempt) {
  auto* d = find_dial(self, id, attempt);
  auto& st = self->state;
  if (d == nullptr || d->current != dial_entry::phase::waiting || st.shutting_down)
    return;
  if (d->address.peer && st.links.count(*d->address.peer) != 0) {
    d->current = dial_entry::phase::linked;
    d->linked_peer = d->address.peer;
    return;
  }
  d->current = dial_entry::phase::connecting;
  auto next = ++d->attempt;
  auto mm = self->home_system().middleman().actor_handle();
  self
    ->request(mm, st.cfg.link.handshake_timeout, caf::connect_atom::value, d->address.endpoint.host,
              d->address.endpoint.port)
    .then(
      [=](const caf::node_id& nid, caf::strong_actor_ptr& remote, std::set<std::string>&) {
        on_connected(self, id, next, nid, remote);
      },
      [=](caf::error& err) {
        if (auto* d = find_dial(self, id, next))
          dial_failed(self, id, *d, std::nullopt, "cannot reach " + link::to_string(d->address.endpoint)
                                                    + ": " + self->system().render(err));
      });
}

void plan_reconnect(node_actor* self, const peer_id& peer, const wire::endpoint& address,
                    close_reason reason) {
  auto& st = self->state;
  if (st.shutting_down)
    return;
  for (auto i = st.dials.begin(); i != st.dials.end(); ++i) {
    auto& d = i->second;
    if (d.linked_peer != peer && d.address.peer != peer && d.address.endpoint != address)
      continue;
    if (!d.persistent && (reason == close_reason::departing || reason == close_reason::released)) {
      st.dials.erase(i);
      return;
    }
    d.linked_peer.reset();
    if (d.current == dial_entry::phase::linked)
      schedule_retry(self, i->first, d);
    return;
  }
  if (reason == close_reason::departing || reason == close_reason::released || address.port == 0)
    return;
  add_dial(self, link::peer_address{peer, address}, false);
}

} // namespace mosaik::node
