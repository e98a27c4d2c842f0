#include "actors/groups/group_actor.hpp"

#include "actors/groups/group_state.hpp"
#include "actors/groups/raft_log_sink.hpp"
#include "actors/logging/log.hpp"
#include "schemas/codec/groups_codec.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <algorithm>

namespace mosaik::groups {

namespace {

/// Local only (never announced): the group's timer.
struct group_tick {
  std::uint64_t generation;
};

millis now(group_actor* self) {
  return std::chrono::duration_cast<millis>(self->clock().now().time_since_epoch());
}

void send_bond(group_actor* self, const peer_id& to, const bond_message& m) {
  auto& st = self->state;
  auto payload = codec::encode_bond_message(m);
  st.metrics->message_sent(payload.size());
  self->send(st.node, node::send_frame{to, wire::frame_kind::group, st.id.as_digest(), std::move(payload)});
}

void send_sync(group_actor* self, const peer_id& to, const sync_message& m) {
  auto& st = self->state;
  auto payload = codec::encode_sync_message(m);
  st.metrics->message_sent(payload.size());
  self->send(st.node, node::send_frame{to, wire::frame_kind::sync, st.id.as_digest(), std::move(payload)});
}

void publish_view(group_actor* self, const group_view& v) {
  auto& st = self->state;
  st.metrics->view_changed(st.last_view, v);
  if (!st.last_view || st.last_view->leader != v.leader || st.last_view->role != v.role)
    st.log->info("group {}: {} in term {}, leader {}", st.id.short_hex(), raft::to_string(v.role),
                 v.term, v.leader ? v.leader->short_hex() : std::string{"unknown"});
  st.last_view = v;
  for (auto& w : st.watchers)
    self->send(w, view_changed{st.id, v});
}

void carry_out_bonds(group_actor* self) {
  auto& st = self->state;
  auto t = now(self);
  auto out = st.bonds->take_output();
  for (auto& m : out.messages)
    send_bond(self, m.to, m.msg);
  auto actor = caf::actor_cast<caf::actor>(self);
  for (auto& up : out.ups) {
    st.log->info("group {}: bonded with {}", st.id.short_hex(), up.peer.short_hex());
    self->send(st.node, node::hold_link{up.peer, actor, true});
    st.eng->bond_up({up.peer, up.lineage, up.observer, up.reluctant}, t);
  }
  for (auto& down : out.downs) {
    st.log->info("group {}: bond with {} ended: {} ({})", st.id.short_hex(), down.peer.short_hex(),
                 to_string(down.reason), down.detail);
    st.metrics->bond_closed(down.reason, false);
    if (down.departed)
      st.eng->bond_departed(down.peer, t);
    else
      st.eng->bond_lost(down.peer, t);
  }
  for (auto& r : out.refused) {
    auto level = r.reason == bond_close_reason::split_lineage ? spdlog::level::err : spdlog::level::info;
    st.log->log(level, "group {}: refused or closed the bond with {}: {} ({})", st.id.short_hex(),
                r.peer.short_hex(), to_string(r.reason), r.detail);
    st.metrics->bond_closed(r.reason, true);
  }
  for (auto& peer : out.wanted)
    self->send(st.manager, want_link{peer});
  if (!out.ups.empty() || !out.downs.empty())
    st.metrics->bonds(st.bonds->bonded().size());
}

void deliver(group_actor* self, completion c) {
  auto& st = self->state;
  auto id = std::visit([](const auto& x) { return x.id; }, c);
  auto i = st.pending.find(id);
  MOSAIK_CHECK(i != st.pending.end(), "group: a completion for an operation nobody waits on");
  i->second.deliver(std::move(c));
  st.pending.erase(i);
}

void carry_out_engine(group_actor* self) {
  auto& st = self->state;
  auto out = st.eng->take_output();
  for (auto& m : out.messages) {
    if (!st.bonds->established(m.to)) {
      st.metrics->dropped("no bond");
      continue;
    }
    auto to = m.to;
    send_bond(self, to, bond_message{std::move(m)});
  }
  for (auto& s : out.sync_messages) {
    if (!st.bonds->established(s.to)) {
      st.metrics->dropped("no bond");
      continue;
    }
    send_sync(self, s.to, s.msg);
  }
  st.metrics->sync(st.eng->sync());
  for (auto& c : out.completions)
    deliver(self, std::move(c));
  if (out.view)
    publish_view(self, *out.view);
  for (auto& e : out.errors) {
    st.log->error("group {}: {}", st.id.short_hex(), e.detail);
    if (e.code == raft::raft_errc::split_bootstrap)
      st.metrics->split_bootstrap();
  }
}

/// Carries out what the bond table and the engine asked for after an input.
void dispatch(group_actor* self) {
  auto& st = self->state;
  carry_out_bonds(self);
  carry_out_engine(self);
  st.bonds->set_lineage(st.eng->lineage());
}

/// A state-sync frame: from an established bond only, decoded, to the engine.
void on_sync_frame(group_actor* self, const node::frame_received& f) {
  auto& st = self->state;
  if (!st.bonds->established(f.from)) {
    st.metrics->dropped("not bonded");
    return;
  }
  auto msg = codec::decode_sync_message({f.payload.data(), f.payload.size()});
  if (!msg) {
    st.metrics->dropped("malformed sync");
    st.log->debug("group {}: undecodable sync frame from {}: {}", st.id.short_hex(),
                  f.from.short_hex(), msg.error().detail);
    return;
  }
  st.eng->on_sync(f.from, *msg, now(self));
  dispatch(self);
}

void on_frame(group_actor* self, const node::frame_received& f) {
  auto& st = self->state;
  st.metrics->message_received(f.payload.size());
  if (f.kind == wire::frame_kind::sync)
    return on_sync_frame(self, f);
  if (f.kind != wire::frame_kind::group) {
    st.metrics->dropped("unknown kind");
    return;
  }
  auto msg = codec::decode_bond_message({f.payload.data(), f.payload.size()});
  if (!msg) {
    st.metrics->dropped("malformed");
    st.log->debug("group {}: undecodable frame from {}: {}", st.id.short_hex(), f.from.short_hex(),
                  msg.error().detail);
    return;
  }
  auto before = st.bonds->stats();
  if (auto m = st.bonds->on_message(f.from, std::move(*msg), now(self)))
    st.eng->on_message(*m, now(self));
  auto after = st.bonds->stats();
  if (after.not_bonded > before.not_bonded)
    st.metrics->dropped("not bonded");
  if (after.forged_sender > before.forged_sender) {
    st.metrics->dropped("forged sender");
    st.log->warn("group {}: {} sent a Raft message in another's name", st.id.short_hex(),
                 f.from.short_hex());
  }
  dispatch(self);
}

void arm_tick(group_actor* self) {
  auto& st = self->state;
  self->delayed_send(self, st.cfg.tick, group_tick{++st.tick_generation});
}

/// Once closed, the actor stops when the node has taken its departure
/// frames and no write of its is under way.
void quit_when_done(group_actor* self) {
  auto& st = self->state;
  if (st.closed && st.departure_handed && !st.eng->persisting())
    self->quit();
}

void departure_handed(group_actor* self) {
  auto& st = self->state;
  st.departure_handed = true;
  for (auto& rp : std::exchange(st.leave_waiters, {}))
    rp.deliver(true);
  quit_when_done(self);
}

/// Departure on every bond; every operation fails (closed). Answers once
/// the node has taken the departure frames: messages from one actor to
/// another keep their order, so the node's answer to a request sent after
/// them means they wait in its links' send queues before the links close
/// (the node's departure phase that follows the groups').
caf::result<bool> leave(group_actor* self) {
  auto& st = self->state;
  if (st.departure_handed)
    return true;
  auto rp = self->make_response_promise<bool>();
  st.leave_waiters.push_back(rp);
  if (st.closed)
    return rp;
  st.closed = true;
  st.log->info("group {}: leaving", st.id.short_hex());
  st.bonds->depart();
  st.eng->close(now(self));
  dispatch(self);
  self->request(st.node, st.cfg.handshake_timeout, node::await_ready{})
    .then([self](const node::ready_info&) { departure_handed(self); },
          [self](caf::error&) { departure_handed(self); });
  return rp;
}

/// The writer's answer to the engine's queued write.
void on_persisted(group_actor* self, raft::storage_result<bool> written) {
  auto& st = self->state;
  st.eng->persisted(std::move(written), now(self));
  dispatch(self);
  quit_when_done(self);
}

/// From now on the engine's writes go to the node's writer.
void queue_writes(group_actor* self) {
  self->state.persister->queue_to([self](write_job job) {
    self->request(self->state.writer, caf::infinite, std::move(job))
      .then([self](bool) { on_persisted(self, true); },
            [self](caf::error& err) {
              on_persisted(self, unexpected{raft::storage_error{raft::storage_errc::io,
                                                                self->system().render(err)}});
            });
  });
}

template <class Start>
caf::typed_response_promise<completion> start_op(group_actor* self, Start&& start) {
  auto& st = self->state;
  auto rp = self->make_response_promise<completion>();
  auto id = st.next_op++;
  st.pending.emplace(id, rp);
  start(id, now(self));
  dispatch(self);
  return rp;
}

caf::behavior behavior(group_actor* self) {
  self->set_down_handler([=](caf::down_msg& dm) {
    std::erase_if(self->state.watchers, [&](const caf::actor& a) { return a.address() == dm.source; });
  });
  arm_tick(self);
  return {
    [=](const node::frame_received& f) { on_frame(self, f); },
    [=](const node::link_event& e) {
      auto& st = self->state;
      if (e.up)
        st.bonds->link_up(e.peer, e.binding, now(self));
      else
        st.bonds->link_down(e.peer, now(self));
      dispatch(self);
    },
    [=](const member_update& m) {
      auto& st = self->state;
      // Discovery releases the links its gossip does not need; a member's
      // link must stay, bonded or not yet.
      self->send(st.node, node::hold_link{m.peer, caf::actor_cast<caf::actor>(self), m.lists_group});
      st.bonds->member_seen(m.peer, m.lists_group, now(self));
      dispatch(self);
    },
    [=](const node::link_writable&) {}, // Raft retries what a full link dropped
    [=](const group_tick& t) {
      auto& st = self->state;
      if (t.generation != st.tick_generation)
        return;
      auto at = now(self);
      st.eng->tick(at);
      if (at >= st.bonds->next_tick())
        st.bonds->tick(at);
      dispatch(self);
      arm_tick(self);
    },
    [=](feed_op& op) {
      return start_op(self, [&](op_id id, millis at) {
        self->state.eng->feed(id, std::move(op.commands), at + op.timeout, at);
      });
    },
    [=](execute_op& op) {
      return start_op(self, [&](op_id id, millis at) {
        self->state.eng->execute(id, std::move(op.commands), at + op.timeout, at);
      });
    },
    [=](query_op& op) {
      return start_op(self, [&](op_id id, millis at) {
        self->state.eng->query(id, std::move(op.query), op.level, at + op.timeout, at);
      });
    },
    [=](get_view) { return self->state.eng->view(); },
    [=](report_status) {
      auto& st = self->state;
      return status_of(st.id, st.eng->view(), st.bonds->bonded());
    },
    [=](const watch_view& w) {
      auto& st = self->state;
      self->monitor(w.subscriber);
      st.watchers.push_back(w.subscriber);
      self->send(w.subscriber, view_changed{st.id, st.eng->view()});
    },
    [=](close_group) { return leave(self); },
    [=](node::depart) { return leave(self); },
  };
}

engine_config engine_config_of(const group_spawn& s, raft::log_sink* sink) {
  engine_config c;
  c.group = s.id;
  c.self = s.self;
  c.consensus = s.setup.consensus;
  c.preference = s.setup.preference;
  c.tick = s.cfg.tick;
  c.seed = s.seed;
  c.sink = sink;
  c.bugs = s.cfg.bugs;
  c.max_append_bytes = s.cfg.max_append_bytes;
  c.max_inflight = s.cfg.max_inflight;
  c.sync = s.cfg.sync;
  return c;
}

bond_settings bond_settings_of(const group_spawn& s) {
  return {s.network, s.id, s.setup.key, s.self, s.cfg.handshake_timeout, s.setup.consensus,
          s.seed ^ 0xb0bdULL, s.setup.preference.is_observer(),
          s.setup.preference.preference == raft::leadership::kind::reluctant};
}

} // namespace

wire::group_status status_of(const group_id& id, const group_view& v, std::vector<peer_id> bonds) {
  wire::group_status s;
  s.id = id;
  s.role = v.observer ? "observer" : std::string{raft::to_string(v.role)};
  s.leader = v.leader;
  s.term = v.term;
  s.commit = v.commit;
  s.applied = v.applied;
  s.last_index = v.last_index;
  s.online = v.online;
  s.bonds = std::move(bonds);
  return s;
}

expected<group_core, std::string> open_group_core(const group_spawn& spawn,
                                                  std::unique_ptr<group_store> store, millis now) {
  group_core core;
  core.store = std::move(store);
  core.persister = std::make_unique<group_persister>(core.store);
  core.sink = std::make_unique<raft_log_sink>(log::get("groups"), "group " + spawn.id.short_hex() + ":");
  auto created = engine::create(engine_config_of(spawn, core.sink.get()), core.store->storage(),
                                *core.persister, spawn.setup.make_machine(), now);
  if (!created)
    return unexpected{"cannot start group " + spawn.id.short_hex() + ": " + created.error().detail};
  core.eng.emplace(std::move(*created));
  return core;
}

group_handle spawn_group(caf::local_actor* parent, node::node_handle node, writer_handle writer,
                         group_spawn spawn, group_core core) {
  // Arguments travel as shared pointers: CAF 0.17 binds a null reference for
  // spawns without arguments (see spawn_node).
  auto init = [](group_actor* self, node::node_handle node, caf::actor manager,
                 writer_handle writer, std::shared_ptr<group_spawn> s,
                 std::shared_ptr<group_core> core) {
    auto& st = self->state;
    st.log = log::get("groups");
    st.id = s->id;
    st.cfg = s->cfg;
    st.node = std::move(node);
    st.manager = std::move(manager);
    st.writer = std::move(writer);
    st.store = std::move(core->store);
    st.persister = std::move(core->persister);
    st.sink = std::move(core->sink);
    st.eng.emplace(std::move(*core->eng));
    queue_writes(self);
    st.metrics.emplace(s->metrics, s->id);
    st.bonds.emplace(bond_settings_of(*s));
    st.bonds->set_lineage(st.eng->lineage());
    auto me = caf::actor_cast<caf::actor>(self);
    self->send(st.node, node::register_handler{wire::frame_kind::group, s->id.as_digest(), me});
    self->send(st.node, node::register_handler{wire::frame_kind::sync, s->id.as_digest(), me});
    return behavior(self);
  };
  auto spawned = parent->spawn<caf::linked>(init, std::move(node), caf::actor_cast<caf::actor>(parent),
                                            std::move(writer),
                                            std::make_shared<group_spawn>(std::move(spawn)),
                                            std::make_shared<group_core>(std::move(core)));
  return caf::actor_cast<group_handle>(std::move(spawned)); // the actor also takes node events
}

} // namespace mosaik::groups

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::groups::group_tick)
