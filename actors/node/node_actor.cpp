#include "actors/node/node_actor.hpp"

#include "actors/logging/log.hpp"
#include "actors/node/node_api.hpp"
#include "actors/node/node_internal.hpp"
#include "schemas/codec/frame_codec.hpp"

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/system_messages.hpp>

#include <random>

namespace mosaik::node {

link::time_point now(node_actor* self) {
  return self->clock().now();
}

metrics::labels reason_label(wire::close_reason r) {
  return {{"reason", std::string{wire::to_string(r)}}};
}

namespace {

/// A data frame from a local actor, for the link to `to`.
send_outcome hand_over(node_actor* self, const peer_id& to, wire::frame f, bool past_cap) {
  auto& st = self->state;
  if (st.links.count(to) == 0 || !wire::carries_data(f.kind)) {
    st.m.drops(drop_cause::not_sent).inc();
    return send_outcome::not_linked;
  }
  return send_data(self, to, std::move(f), past_cap);
}

void fail_start(node_actor* self, const caf::error& err) {
  auto& st = self->state;
  for (auto& rp : st.ready_waiters)
    rp.deliver(err);
  st.ready_waiters.clear();
  self->quit(err);
}

void start(node_actor* self) {
  auto& st = self->state;
  auto listening = self->add_tcp_doorman(st.cfg.listen.port, st.cfg.listen.host.c_str(), true);
  if (!listening) {
    st.log->error("cannot listen on {}: {}", link::to_string(st.cfg.listen),
                  self->system().render(listening.error()));
    return fail_start(self, listening.error());
  }
  st.me.listen.port = listening->second;
  st.ready = true;
  st.log->info("node {} listening on {} (network {})", st.me.self.short_hex(),
               link::to_string(st.me.listen), st.cfg.network);
  for (auto& rp : st.ready_waiters)
    rp.deliver(ready_info{st.me.self, st.me.listen});
  st.ready_waiters.clear();
  for (const auto& b : st.cfg.bootstrap)
    add_dial(self, b, true);
  self->delayed_send(self, st.cfg.link.heartbeat_interval, heartbeat_tick{});
}

void finish_shutdown(node_actor* self, caf::typed_response_promise<bool> rp) {
  rp.deliver(true);
  self->quit();
}

/// Sends a departure close on every link, closes them, and quits once the
/// closes had the departure window to get out.
void depart_links(node_actor* self, caf::typed_response_promise<bool> rp) {
  auto& st = self->state;
  st.log->info("node {} departing, telling {} peer(s)", st.me.self.short_hex(), st.links.size());
  std::vector<peer_id> peers;
  for (const auto& [peer, l] : st.links.entries())
    peers.push_back(peer);
  for (auto& peer : peers)
    drop_link(self, peer, wire::close_reason::departing, "shutdown", true);
  flush_all(self);
  if (peers.empty())
    return finish_shutdown(self, rp);
  // A close is flushed before its socket shuts down; the window lets the
  // multiplexer write it before the broker (and with it the sockets) goes.
  self->delayed_send(self, st.cfg.link.departure_window, departure_done{});
  st.departure = rp;
}

caf::behavior node_behavior(node_actor* self) {
  self->set_default_handler([](caf::scheduled_actor* ptr, caf::message_view&) -> caf::result<caf::message> {
    static_cast<node_actor*>(ptr)->state.m.unexpected.inc();
    return caf::sec::unexpected_message;
  });
  // Every message here comes from this process: the network reaches the
  // broker only as bytes. Down messages count only for the actors it monitors.
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& st = self->state;
    auto gone = [&](const caf::actor& a) { return a.address() == dm.source; };
    st.link_subscribers.erase(
      std::remove_if(st.link_subscribers.begin(), st.link_subscribers.end(), gone),
      st.link_subscribers.end());
    for (auto i = st.handlers.begin(); i != st.handlers.end();)
      i = gone(i->second) ? st.handlers.erase(i) : std::next(i);
    std::erase_if(st.status_contributors, gone);
    for (auto i = st.holds.begin(); i != st.holds.end();) {
      i->second.erase(dm.source);
      i = i->second.empty() ? st.holds.erase(i) : std::next(i);
    }
  });
  self->set_error_handler([=](caf::error& err) {
    self->state.log->warn("ignored an error message: {}", self->system().render(err));
  });
  start(self);
  return {
    [=](const caf::io::new_connection_msg& m) { on_new_connection(self, m.handle); },
    [=](const caf::io::new_data_msg& m) {
      on_data(self, m.handle, {reinterpret_cast<const std::uint8_t*>(m.buf.data()), m.buf.size()});
    },
    [=](const caf::io::connection_closed_msg& m) { on_connection_lost(self, m.handle); },
    [=](const caf::io::acceptor_closed_msg&) {
      self->state.log->error("the listening socket closed; no new connections are accepted");
    },
    [=](flush_now) { flush_all(self); },
    [=](const handshake_deadline& d) { on_handshake_deadline(self, d); },
    [=](departure_done) { finish_shutdown(self, self->state.departure); },
    [=](const redial& r) { on_redial(self, r); },
    [=](heartbeat_tick) {
      on_heartbeat_tick(self);
      self->delayed_send(self, self->state.cfg.link.heartbeat_interval, heartbeat_tick{});
    },
    [=](await_ready) -> caf::result<ready_info> {
      auto& st = self->state;
      if (st.ready)
        return ready_info{st.me.self, st.me.listen};
      auto rp = self->make_response_promise<ready_info>();
      st.ready_waiters.push_back(rp);
      return rp;
    },
    [=](const subscribe_links& s) {
      self->monitor(s.subscriber);
      self->state.link_subscribers.push_back(s.subscriber);
    },
    [=](const add_status_contributor& a) {
      self->monitor(a.contributor);
      self->state.status_contributors.push_back(a.contributor);
    },
    [=](const register_handler& r) {
      self->monitor(r.handler);
      self->state.handlers[{r.kind, r.channel}] = r.handler;
    },
    [=](send_frame& cmd) {
      (void)hand_over(self, cmd.to, {cmd.kind, 0, std::move(cmd.payload), cmd.channel}, cmd.past_cap);
    },
    [=](try_send_frame& cmd) -> send_outcome {
      return hand_over(self, cmd.to, {cmd.kind, 0, std::move(cmd.payload), cmd.channel}, cmd.past_cap);
    },
    [=](const dial& d) {
      if (d.address.peer && *d.address.peer == self->state.me.self)
        return;
      add_dial(self, d.address, d.persistent);
    },
    [=](const release_link& r) { release(self, r.peer); },
    [=](const hold_link& h) {
      auto& st = self->state;
      if (h.hold) {
        self->monitor(h.holder);
        st.holds[h.peer].insert(h.holder.address());
        return;
      }
      auto i = st.holds.find(h.peer);
      if (i != st.holds.end() && i->second.erase(h.holder.address()) > 0 && i->second.empty())
        st.holds.erase(i);
    },
    [=](const ban_peer& b) {
      auto& st = self->state;
      st.count("mosaik.network.link.bans");
      st.misbehaviour.ban(b.peer, now(self), now(self) + b.duration);
      drop_link(self, b.peer, wire::close_reason::banned, "banned by discovery", true);
    },
    [=](get_status) -> caf::result<wire::node_status> {
      auto rp = self->make_response_promise<wire::node_status>();
      with_status(self, [rp](wire::node_status s) mutable { rp.deliver(std::move(s)); });
      return rp;
    },
    [=](get_metrics) { return self->state.metrics; },
    [=](shutdown) -> caf::result<bool> {
      auto& st = self->state;
      auto rp = self->make_response_promise<bool>();
      if (st.shutting_down)
        return rp;
      st.shutting_down = true;
      st.dials.depart();
      depart_links(self, rp);
      return rp;
    },
  };
}

} // namespace

node_handle spawn_node(caf::actor_system& sys, node_config cfg, secret_key key) {
  // Passed as a spawn argument rather than captured: CAF 0.17 binds a null
  // reference for spawns without arguments (UBSan reports it).
  auto init = [](node_actor* self, std::shared_ptr<node_config> cfg,
                 std::shared_ptr<secret_key> key) {
    auto& st = self->state;
    st.log = log::get("transport");
    st.me.network = network_id::from(cfg->network);
    st.me.self = key->public_id();
    st.me.listen = cfg->listen;
    st.me.role = wire::role::node;
    st.me.version = cfg->link.version;
    st.me.min_version = cfg->link.min_version;
    st.rng.seed(cfg->seed ? *cfg->seed : std::random_device{}());
    st.replay = std::make_unique<link::replay_guard>(cfg->link.replay_cache);
    st.misbehaviour = link::misbehaviour_tracker{cfg->link.misbehaviour};
    st.key.emplace(std::move(*key));
    st.cfg = std::move(*cfg);
    st.dials = link::dial_table{st.cfg.link};
    st.links = link::link_table{st.cfg.link};
    st.started = now(self);
    st.metrics = st.cfg.metrics ? st.cfg.metrics
                                : std::make_shared<metrics::registry>(metrics::network_labels(st.me.network));
    st.m = node_metrics::bind(*st.metrics);
    return node_behavior(self);
  };
  auto broker = sys.middleman().spawn_broker(init, std::make_shared<node_config>(std::move(cfg)),
                                            std::make_shared<secret_key>(std::move(key)));
  return caf::actor_cast<node_handle>(std::move(broker)); // see node_handle

}

} // namespace mosaik::node
