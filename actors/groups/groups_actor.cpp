#include "actors/groups/groups_actor.hpp"

#include "actors/core/discovery/event.hpp"
#include "actors/core/groups/memory_stores.hpp"
#include "actors/core/overloaded.hpp"
#include "actors/groups/group_actor.hpp"
#include "actors/groups/groups_state.hpp"
#include "actors/groups/lmdb_stores.hpp"
#include "actors/logging/log.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

namespace mosaik::groups {

namespace {

using self_pointer = groups_actor*;

void count_active(self_pointer self) {
  auto& st = self->state;
  st.setup.metrics->gauge("mosaik.groups.active").set(static_cast<double>(st.groups.size()));
}

/// Tells every group whose membership of `peer` changed from `before` to
/// `after`.
void member_changed(self_pointer self, const peer_id& peer, const std::set<group_id>& before,
                    const std::set<group_id>& after) {
  auto& st = self->state;
  for (auto& [id, group] : st.groups) {
    bool was = before.count(id) > 0, is = after.count(id) > 0;
    if (was != is)
      self->send(group, member_update{peer, is});
  }
}

void set_members(self_pointer self, const peer_id& peer, std::set<group_id> groups) {
  auto& st = self->state;
  auto& slot = st.members[peer];
  auto before = std::exchange(slot, std::move(groups));
  member_changed(self, peer, before, slot);
  if (slot.empty())
    st.members.erase(peer);
}

void seen(self_pointer self, const discovery::peer_entry& e) {
  auto& where = self->state.addresses[e.peer()];
  where.assign(e.addresses().begin(), e.addresses().end());
  set_members(self, e.peer(), e.groups());
}

void gone(self_pointer self, const peer_id& peer) {
  self->state.addresses.erase(peer);
  set_members(self, peer, {});
}

void on_event(self_pointer self, const discovery::event& e) {
  std::visit(overloaded{
               [&](const discovery::peer_discovered& d) { seen(self, d.entry); },
               [&](const discovery::peer_updated& u) { seen(self, u.entry); },
               [&](const discovery::peer_departed& d) { gone(self, d.peer); },
             },
             e);
}

/// A group wants a link to `peer`: dial where its entry says it listens,
/// at most once per pacing interval.
void want(self_pointer self, const peer_id& peer) {
  auto& st = self->state;
  if (st.links.count(peer) > 0)
    return;
  auto where = st.addresses.find(peer);
  if (where == st.addresses.end() || where->second.empty())
    return;
  auto now = self->clock().now();
  auto last = st.dialled.find(peer);
  if (last != st.dialled.end() && now - last->second < st.setup.cfg.handshake_timeout)
    return;
  st.dialled[peer] = now;
  for (const auto& address : where->second)
    self->send(st.node, node::dial{{peer, address}, false});
}

/// Rebuilds the membership from a whole catalog (after lost events).
void resync(self_pointer self) {
  auto& st = self->state;
  self->request(st.discovery, caf::infinite, discovery::get_catalog{})
    .then([=](const discovery::catalog_snapshot& snap) {
      std::set<peer_id> present;
      for (const auto& p : snap.peers)
        if (p.is_signed) {
          present.insert(p.entry.peer());
          seen(self, p.entry);
        }
      std::vector<peer_id> vanished;
      for (const auto& [peer, groups] : self->state.members)
        if (present.count(peer) == 0)
          vanished.push_back(peer);
      for (const auto& peer : vanished)
        gone(self, peer);
    });
}

void advertise(self_pointer self, const group_id& id, bool on) {
  auto& st = self->state;
  if (!st.discovery)
    return;
  self->request(st.discovery, caf::infinite, discovery::advertise_group{id, on})
    .then([](bool) {}, [=](caf::error& err) {
      self->state.log->warn("group {}: discovery refused to {} it: {}", id.short_hex(),
                            on ? "advertise" : "withdraw", self->system().render(err));
    });
}

/// Tells a new group what the node knows already.
void introduce(self_pointer self, const group_id& id, const caf::actor& group) {
  auto& st = self->state;
  for (const auto& [peer, e] : st.links)
    self->send(group, e);
  for (const auto& [peer, groups] : st.members)
    if (groups.count(id) > 0)
      self->send(group, member_update{peer, true});
}

caf::result<join_result> join(self_pointer self, join_group& j) {
  auto& st = self->state;
  auto id = id_of(j.setup);
  if (auto g = st.groups.find(id); g != st.groups.end())
    return join_result{id, caf::actor_cast<group_handle>(g->second)};
  if (auto bad = check(j.setup.consensus))
    return caf::make_error(caf::sec::invalid_argument, "consensus config: " + *bad);
  if (!j.setup.make_machine)
    return caf::make_error(caf::sec::invalid_argument, "the group has no state machine");
  if (st.groups.size() >= st.setup.cfg.max_groups)
    return caf::make_error(caf::sec::invalid_argument,
                           "this node runs " + std::to_string(st.groups.size()) + " groups already");
  auto store = st.setup.cfg.stores->open(id);
  if (!store)
    return caf::make_error(caf::sec::runtime_error, "the group's store: " + store.error().detail);
  group_spawn spawn{std::move(j.setup), id, st.setup.network, st.setup.self, st.setup.cfg,
                    st.setup.seed ^ std::hash<group_id>{}(id), st.setup.metrics};
  auto now = std::chrono::duration_cast<millis>(self->clock().now().time_since_epoch());
  auto core = open_group_core(spawn, std::move(*store), now);
  if (!core)
    return caf::make_error(caf::sec::runtime_error, core.error());
  auto handle = spawn_group(self, st.node, st.writer, std::move(spawn), std::move(*core));
  auto group = caf::actor_cast<caf::actor>(handle);
  self->monitor(group);
  st.groups.emplace(id, group);
  st.log->info("joined group {}", id.short_hex());
  introduce(self, id, group);
  advertise(self, id, true);
  count_active(self);
  return join_result{id, handle};
}

void on_group_down(self_pointer self, const caf::down_msg& dm) {
  auto& st = self->state;
  for (auto i = st.groups.begin(); i != st.groups.end(); ++i) {
    if (i->second.address() != dm.source)
      continue;
    auto id = i->first;
    st.groups.erase(i);
    if (dm.reason)
      st.log->error("group {} stopped: {}", id.short_hex(), self->system().render(dm.reason));
    advertise(self, id, false);
    count_active(self);
    return;
  }
}

/// Every group departs; answers once all did.
caf::result<bool> depart_all(self_pointer self) {
  auto& st = self->state;
  auto rp = self->make_response_promise<bool>();
  if (st.groups.empty()) {
    rp.deliver(true);
    return rp;
  }
  auto left = std::make_shared<std::size_t>(st.groups.size());
  auto one_done = [rp, left]() mutable {
    if (--*left == 0)
      rp.deliver(true);
  };
  for (auto& [id, group] : st.groups)
    self->request(group, caf::infinite, node::depart{})
      .then([one_done](bool) mutable { one_done(); }, [one_done](caf::error&) mutable { one_done(); });
  return rp;
}

/// Every group's line of the status; a group that does not answer within
/// a second is left out.
caf::result<node::status_part> contribute(self_pointer self) {
  auto& st = self->state;
  auto rp = self->make_response_promise<node::status_part>();
  if (st.groups.empty()) {
    rp.deliver(node::status_part{});
    return rp;
  }
  auto part = std::make_shared<node::status_part>();
  auto left = std::make_shared<std::size_t>(st.groups.size());
  auto one_done = [rp, part, left]() mutable {
    if (--*left == 0)
      rp.deliver(std::move(*part));
  };
  for (auto& [id, group] : st.groups)
    self->request(group, std::chrono::seconds{1}, report_status{})
      .then([part, one_done](wire::group_status& s) mutable {
              part->groups.push_back(std::move(s));
              one_done();
            },
            [one_done](caf::error&) mutable { one_done(); });
  return rp;
}

caf::behavior behavior(self_pointer self) {
  self->set_down_handler([=](caf::down_msg& dm) { on_group_down(self, dm); });
  return {
    [=](const node::link_event& e) {
      auto& st = self->state;
      if (e.up) {
        st.links.insert_or_assign(e.peer, e);
        st.dialled.erase(e.peer);
      } else {
        st.links.erase(e.peer);
      }
      for (auto& [id, group] : st.groups)
        self->send(group, e);
    },
    [=](const node::link_rtt&) {},
    [=](const node::link_writable&) {}, // groups send fire and forget
    [=](const discovery::discovery_events& batch) {
      if (batch.lost > 0)
        resync(self);
      for (const auto& e : batch.events)
        on_event(self, e);
    },
    [=](const want_link& w) { want(self, w.peer); },
    [=](const use_discovery& u) {
      auto& st = self->state;
      st.discovery = u.discovery;
      for (const auto& [id, group] : st.groups)
        advertise(self, id, true);
    },
    [=](join_group& j) { return join(self, j); },
    [=](node::depart) { return depart_all(self); },
    [=](node::contribute_status) { return contribute(self); },
  };
}

} // namespace

raft::storage_result<std::shared_ptr<store_provider>> default_stores(const std::string& data_dir) {
  if (data_dir.empty())
    return std::shared_ptr<store_provider>{std::make_shared<memory_stores>()};
  return lmdb_stores::open(std::filesystem::path{data_dir} / "raft");
}

groups_handle spawn_groups(caf::local_actor* parent, node::node_handle node, groups_setup setup) {
  auto init = [](self_pointer self, node::node_handle node, std::shared_ptr<groups_setup> setup) {
    auto& st = self->state;
    st.log = log::get("groups");
    st.setup = std::move(*setup);
    st.node = std::move(node);
    st.writer = spawn_group_writer(self, st.setup.cfg.stores, st.setup.metrics);
    count_active(self);
    return behavior(self);
  };
  auto spawned = parent->spawn<caf::linked>(init, std::move(node),
                                            std::make_shared<groups_setup>(std::move(setup)));
  return caf::actor_cast<groups_handle>(std::move(spawned)); // it also takes node and discovery events
}

} // namespace mosaik::groups
