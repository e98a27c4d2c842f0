#include "actors/discovery/discovery_actor.hpp"

#include "actors/core/overloaded.hpp"
#include "actors/discovery/discovery_api.hpp"
#include "actors/discovery/discovery_state.hpp"
#include "actors/logging/log.hpp"
#include "actors/node/node_api.hpp"
#include "schemas/codec/discovery_codec.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

namespace mosaik::discovery {

namespace {

using discovery_actor = caf::stateful_actor<discovery_state>;

/// Local only (never announced): the engine asked to be woken.
struct wakeup {
  std::uint64_t generation;
};

millis now(discovery_actor* self) {
  return self->state.unix_time(self->clock().now());
}

std::string_view describe(departure_cause cause) {
  switch (cause) {
    case departure_cause::graceful: return "departed";
    case departure_cause::purged: return "purged (silent)";
    case departure_cause::evicted: return "evicted (catalog full)";
  }
  return "gone";
}

void log_event(discovery_actor* self, const event& e) {
  auto& log = *self->state.log;
  std::visit(overloaded{
               [&](const peer_discovered& d) { log.info("discovered peer {}", d.entry.peer().short_hex()); },
               [&](const peer_updated& u) { log.debug("peer {} updated its entry", u.entry.peer().short_hex()); },
               [&](const peer_departed& d) { log.info("peer {} {}", d.peer.short_hex(), describe(d.cause)); },
             },
             e);
}

void flush(discovery_actor* self, discovery_state::subscriber& sub) {
  auto batch = sub.queue.take();
  if (!batch)
    return;
  auto addr = sub.actor.address();
  auto acknowledged = [self, addr] {
    auto i = self->state.subscribers.find(addr);
    if (i == self->state.subscribers.end())
      return;
    i->second.queue.acknowledged();
    flush(self, i->second);
  };
  self->request(sub.actor, caf::infinite, std::move(*batch))
    .then([=](caf::message&) { acknowledged(); }, [=](caf::error&) { acknowledged(); });
}

void arm_timer(discovery_actor* self) {
  auto& st = self->state;
  auto wake = st.eng->next_wakeup();
  if (wake == millis::max() || (st.wakeup_at && *st.wakeup_at <= wake))
    return;
  st.wakeup_at = wake;
  auto delay = std::max(millis{0}, wake - now(self));
  self->delayed_send(self, delay, wakeup{++st.wakeup_generation});
}

/// Carries out what the engine asked for after an input.
void dispatch(discovery_actor* self) {
  auto& st = self->state;
  auto out = st.eng->take_output();
  for (auto& m : out.messages)
    self->send(st.node, node::send_frame{m.to, wire::frame_kind::discovery, {},
                                         codec::encode_discovery(m.msg)});
  for (auto& d : out.dials)
    for (auto& address : d.addresses)
      self->send(st.node, node::dial{{d.peer, address}, false});
  for (auto& peer : out.releases)
    self->send(st.node, node::release_link{peer});
  for (auto& peer : out.bans) {
    st.log->warn("banning peer {} for sending bad discovery input", peer.short_hex());
    self->send(st.node, node::ban_peer{peer, st.cfg.penalties.ban_duration});
  }
  for (auto& e : out.events) {
    log_event(self, e);
    for (auto& [addr, sub] : st.subscribers)
      sub.queue.push(e);
  }
  for (auto& [addr, sub] : st.subscribers)
    flush(self, sub);
  for (auto& s : out.syncs) {
    auto [first, last] = st.sync_waiters.equal_range(s.peer);
    for (auto i = first; i != last; ++i)
      i->second.deliver(s.completed);
    st.sync_waiters.erase(first, last);
  }
  st.metrics->update(*st.eng, now(self));
  arm_timer(self);
}

void on_frame(discovery_actor* self, const node::frame_received& f) {
  auto& st = self->state;
  auto msg = codec::decode_discovery({f.payload.data(), f.payload.size()}, st.cfg.limits);
  if (msg) {
    st.eng->on_message(f.from, *msg, now(self));
  } else {
    ++st.malformed;
    st.log->debug("undecodable discovery frame from {}: {}", f.from.short_hex(), msg.error().detail);
    st.eng->on_malformed(f.from, now(self));
  }
  dispatch(self);
}

caf::error refused(rejection why) {
  return caf::make_error(caf::sec::invalid_argument,
                         "discovery refused the change: " + std::string{to_string(why)});
}

/// Changes the local entry (re-announced at once when it changed).
template <class Change>
caf::result<bool> update_entry(discovery_actor* self, Change&& change) {
  auto changed = self->state.eng->update_local(now(self), std::forward<Change>(change));
  dispatch(self);
  if (!changed)
    return refused(changed.error());
  return *changed;
}

caf::behavior behavior(discovery_actor* self) {
  self->set_down_handler([=](caf::down_msg& dm) { self->state.subscribers.erase(dm.source); });
  arm_timer(self);
  return {
    [=](const node::frame_received& f) { on_frame(self, f); },
    [=](const node::link_event& e) {
      auto& st = self->state;
      if (e.up)
        st.eng->on_link_up(e.peer, now(self), e.address);
      else
        st.eng->on_link_down(e.peer, now(self));
      dispatch(self);
    },
    [=](const node::link_rtt& r) { self->state.eng->on_rtt(r.peer, r.sample); },
    [=](const node::link_writable&) {}, // discovery's frames are few; it never waits for room
    [=](const wakeup& w) {
      auto& st = self->state;
      if (w.generation != st.wakeup_generation)
        return;
      st.wakeup_at.reset();
      st.eng->tick(now(self));
      dispatch(self);
    },
    [=](get_catalog) {
      auto& st = self->state;
      return catalog_snapshot{st.eng->me(), st.eng->catalog().peers(now(self))};
    },
    [=](const subscribe_discovery& s) {
      auto& st = self->state;
      self->monitor(s.subscriber);
      st.subscribers.insert_or_assign(s.subscriber.address(),
                                      discovery_state::subscriber{s.subscriber,
                                                                  event_queue{st.cfg.events_backlog}});
    },
    [=](const add_tags& a) -> caf::result<bool> {
      auto changed = self->state.eng->add_tags(a.tags, now(self));
      dispatch(self);
      if (!changed)
        return refused(changed.error());
      return *changed;
    },
    [=](const remove_tags& r) -> caf::result<bool> {
      auto changed = self->state.eng->remove_tags(r.tags, now(self));
      dispatch(self);
      if (!changed)
        return refused(changed.error());
      return *changed;
    },
    [=](const advertise_group& a) {
      return update_entry(self, [&](peer_entry& e) {
        if (a.on)
          e.add_group(a.group);
        else
          e.remove_group(a.group);
      });
    },
    [=](const advertise_stream& a) {
      return update_entry(self, [&](peer_entry& e) {
        if (a.on)
          e.add_stream(a.stream);
        else
          e.remove_stream(a.stream);
      });
    },
    [=](const dial_addresses& d) {
      self->state.eng->dial(d.addresses);
      dispatch(self);
    },
    [=](const sync_with& s) -> caf::result<bool> {
      auto& st = self->state;
      auto rp = self->make_response_promise<bool>();
      st.sync_waiters.emplace(s.peer, rp);
      st.eng->sync_with(s.peer, now(self));
      dispatch(self);
      return rp;
    },
    [=](const feed_entry& f) {
      auto fed = self->state.eng->feed(f.entry, now(self));
      dispatch(self);
      return fed;
    },
    [=](insert_unsigned& i) {
      auto inserted = self->state.eng->insert_unsigned(std::move(i.entry));
      dispatch(self);
      return inserted;
    },
    [=](const remove_unsigned& r) {
      auto removed = self->state.eng->remove_unsigned(r.peer);
      dispatch(self);
      return removed;
    },
    [=](node::contribute_status) {
      auto& st = self->state;
      return status_part_of(catalog_snapshot{st.eng->me(), st.eng->catalog().peers(now(self))});
    },
    [=](node::depart) {
      auto& st = self->state;
      st.log->info("departing: telling {} gossip peer(s)", st.eng->links().links().size());
      st.eng->depart(now(self));
      dispatch(self);
      return true;
    },
  };
}

} // namespace

discovery_handle spawn_discovery(caf::local_actor* parent, node::node_handle node,
                                 discovery_setup setup, secret_key key) {
  // Arguments travel as shared pointers: CAF 0.17 binds a null reference for
  // spawns without arguments (see spawn_node).
  auto init = [](discovery_actor* self, node::node_handle node, std::shared_ptr<discovery_setup> setup,
                 std::shared_ptr<secret_key> key) {
    auto& st = self->state;
    st.log = log::get("discovery");
    st.node = std::move(node);
    st.cfg = setup->cfg;
    st.started = self->clock().now();
    st.epoch = setup->epoch ? *setup->epoch
                            : std::chrono::duration_cast<millis>(
                                std::chrono::system_clock::now().time_since_epoch());
    st.eng.emplace(setup->cfg, setup->network, std::move(*key),
                   peer_entry::address_set{setup->listen}, st.epoch);
    st.registry = setup->metrics;
    st.metrics.emplace(*st.registry);
    return behavior(self);
  };
  auto spawned = parent->spawn<caf::linked>(init, std::move(node),
                                            std::make_shared<discovery_setup>(std::move(setup)),
                                            std::make_shared<secret_key>(std::move(key)));
  return caf::actor_cast<discovery_handle>(std::move(spawned)); // see discovery_handle
}

} // namespace mosaik::discovery

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::discovery::wakeup)
