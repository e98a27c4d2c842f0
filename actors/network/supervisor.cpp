#include "actors/network/supervisor.hpp"

#include "actors/core/expected.hpp"
#include "actors/discovery/discovery_actor.hpp"
#include "actors/groups/groups_actor.hpp"
#include "actors/streams/streams_actor.hpp"
#include "actors/logging/log.hpp"
#include "actors/network/supervisor_state.hpp"
#include "actors/node/node_actor.hpp"
#include "actors/node/node_api.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <random>

namespace mosaik::net {

namespace {

using self_pointer = supervisor_actor*;
using node::departure_phase;

void fail_start(self_pointer self, const caf::error& err) {
  auto& st = self->state;
  for (auto& rp : st.ready_waiters)
    rp.deliver(err);
  st.ready_waiters.clear();
  self->quit(err);
}

/// Discovery's settings for the node that listens at `listen`, or what is
/// wrong with them.
expected<discovery::discovery_setup, std::string> discovery_setup_for(const supervisor_state& st,
                                                                      const wire::endpoint& listen) {
  discovery::discovery_setup setup{*st.cfg.discovery, network_id::from(st.cfg.network), listen,
                                   st.cfg.epoch, st.cfg.metrics};
  setup.cfg.tags.insert(setup.cfg.tags.end(), st.cfg.tags.begin(), st.cfg.tags.end());
  for (const auto& b : st.cfg.bootstrap)
    setup.cfg.bootstrap.push_back(b.endpoint);
  if (auto bad = discovery::check(setup.cfg))
    return unexpected{"discovery settings: " + *bad};
  // From the network's seed: a simulation replays.
  setup.cfg.seed = st.cfg.seed ? std::mt19937_64{*st.cfg.seed ^ 0xd15c0}() : std::random_device{}();
  return setup;
}

/// Spawns discovery and registers it with the node and for its departure.
std::optional<std::string> start_discovery(self_pointer self, const wire::endpoint& listen) {
  auto& st = self->state;
  auto setup = discovery_setup_for(st, listen);
  if (!setup)
    return setup.error();
  st.discovery = discovery::spawn_discovery(self, st.node, std::move(*setup),
                                            secret_key::from_seed(st.key->seed()));
  // The node delivers events of several kinds: it takes untyped actors.
  auto events = caf::actor_cast<caf::actor>(st.discovery);
  self->send(st.node, node::subscribe_links{events});
  self->send(st.node, node::register_handler{wire::frame_kind::discovery, std::nullopt, events});
  self->send(st.node, node::add_status_contributor{events});
  st.departures[departure_phase::discovery].push_back(events);
  return std::nullopt;
}

/// Spawns the groups subsystem and registers it with the node and for its
/// departure. Before discovery: discovery dials the bootstrap addresses as
/// it starts, and no link may come up before groups see link events
/// (discovery is handed over by attach_discovery).
std::optional<std::string> start_groups(self_pointer self, const node::ready_info& r) {
  auto& st = self->state;
  auto cfg = st.cfg.groups;
  if (!cfg.stores) {
    auto stores = groups::default_stores(st.cfg.data_dir);
    if (!stores)
      return "group storage: " + stores.error().detail;
    cfg.stores = *stores;
  }
  auto seed = st.cfg.seed ? std::mt19937_64{*st.cfg.seed ^ 0x9a0c5}() : std::random_device{}();
  groups::groups_setup setup{std::move(cfg), network_id::from(st.cfg.network), r.peer, seed,
                             st.cfg.metrics};
  st.groups = groups::spawn_groups(self, st.node, std::move(setup));
  auto events = caf::actor_cast<caf::actor>(st.groups);
  self->send(st.node, node::subscribe_links{events});
  self->send(st.node, node::add_status_contributor{events});
  st.departures[departure_phase::groups].push_back(events);
  return std::nullopt;
}

/// Spawns the streams subsystem, the node's handler of stream frames, and
/// registers it for its departure. Before discovery, as groups.
void start_streams(self_pointer self, const node::ready_info& r) {
  auto& st = self->state;
  auto seed = st.cfg.seed ? std::mt19937_64{*st.cfg.seed ^ 0x57e4a}() : std::random_device{}();
  streams::streams_setup setup{{}, network_id::from(st.cfg.network), r.peer, seed, st.cfg.metrics};
  st.streams = streams::spawn_streams(self, st.node, std::move(setup));
  auto events = caf::actor_cast<caf::actor>(st.streams);
  self->send(st.node, node::subscribe_links{events});
  self->send(st.node, node::add_status_contributor{events});
  st.departures[departure_phase::streams].push_back(events);
}

/// Groups and streams follow discovery's catalog and advertise in its entry.
void attach_discovery(self_pointer self) {
  auto& st = self->state;
  if (!st.discovery)
    return;
  self->send(st.groups, groups::use_discovery{st.discovery});
  self->send(st.discovery, discovery::subscribe_discovery{caf::actor_cast<caf::actor>(st.groups)});
  self->send(st.streams, streams::use_discovery{st.discovery});
  self->send(st.discovery, discovery::subscribe_discovery{caf::actor_cast<caf::actor>(st.streams)});
}

void on_node_ready(self_pointer self, const node::ready_info& r) {
  auto& st = self->state;
  if (auto bad = start_groups(self, r)) {
    st.log->error("cannot start: {}", *bad);
    return fail_start(self, caf::make_error(caf::sec::invalid_argument, *bad));
  }
  start_streams(self, r);
  if (st.cfg.discovery) {
    if (auto bad = start_discovery(self, r.listen)) {
      st.log->error("cannot start: {}", *bad);
      return fail_start(self, caf::make_error(caf::sec::invalid_argument, *bad));
    }
    attach_discovery(self);
  }
  // After the subscriptions above (messages to one actor keep their order):
  // no link comes up before every subsystem sees link events.
  for (const auto& b : st.cfg.bootstrap)
    self->send(st.node, node::dial{b, true});
  st.ready = network_ready{r.peer, r.listen, st.node, st.discovery, st.groups, st.streams};
  for (auto& rp : st.ready_waiters)
    rp.deliver(*st.ready);
  st.ready_waiters.clear();
}

departure_phase next(departure_phase p) {
  return static_cast<departure_phase>(static_cast<std::uint8_t>(p) + 1);
}

/// The links phase: the node sends its departure on every link, waits the
/// departure window and quits; then so does the network.
void depart_links(self_pointer self, caf::typed_response_promise<bool> rp) {
  auto& st = self->state;
  auto done = [=](bool ok) mutable {
    rp.deliver(ok);
    self->quit(caf::exit_reason::user_shutdown); // takes every linked subsystem with it
  };
  self->request(st.node, 2 * st.cfg.link.departure_window, node::shutdown{})
    .then([=](bool) mutable { done(true); },
          [=](caf::error&) mutable {
            self->state.count("mosaik.network.shutdown.steps_late");
            done(false);
          });
}

/// Runs the departure steps of `phase`, all at once, each bounded by the
/// departure window, then the next phase. A step that does not answer in
/// time is counted and waited for no longer.
void run_phase(self_pointer self, departure_phase phase, caf::typed_response_promise<bool> rp) {
  auto& st = self->state;
  if (phase == departure_phase::links)
    return depart_links(self, rp);
  const auto& steps = st.departures[phase];
  if (steps.empty())
    return run_phase(self, next(phase), rp);
  auto pending = std::make_shared<std::size_t>(steps.size());
  auto answered = [=] {
    if (--*pending == 0)
      run_phase(self, next(phase), rp);
  };
  for (const auto& step : steps)
    self->request(step, st.cfg.link.departure_window, node::depart{})
      .then([=](bool) { answered(); },
            [=](caf::error&) {
              self->state.count("mosaik.network.shutdown.steps_late");
              answered();
            });
}

network_handle::behavior_type supervisor_behavior(self_pointer self) {
  auto& st = self->state;
  self->set_down_handler([=](caf::down_msg& dm) {
    for (auto& [phase, steps] : self->state.departures)
      std::erase_if(steps, [&](const caf::actor& a) { return a.address() == dm.source; });
  });
  self->link_to(st.node);
  self->request(st.node, caf::infinite, node::await_ready{})
    .then([=](const node::ready_info& r) { on_node_ready(self, r); },
          [=](caf::error& err) { fail_start(self, err); });
  return {
    [=](await_ready) -> caf::result<network_ready> {
      auto& st = self->state;
      if (st.ready)
        return *st.ready;
      auto rp = self->make_response_promise<network_ready>();
      st.ready_waiters.push_back(rp);
      return rp;
    },
    [=](const add_departure& a) {
      if (a.phase == departure_phase::links)
        return; // the node's own phase
      self->monitor(a.step);
      self->state.departures[a.phase].push_back(a.step);
    },
    [=](get_status) { return self->delegate(self->state.node, node::get_status{}); },
    [=](shutdown) -> caf::result<bool> {
      auto& st = self->state;
      auto rp = self->make_response_promise<bool>();
      if (st.shutting_down)
        return rp;
      st.shutting_down = true;
      st.log->info("network shutting down");
      run_phase(self, departure_phase::streams, rp);
      return rp;
    },
  };
}

} // namespace

spawned_network spawn_network(caf::actor_system& sys, node::node_config cfg, secret_key key) {
  if (!cfg.metrics) // one registry for the node and every subsystem
    cfg.metrics = std::make_shared<metrics::registry>(metrics::network_labels(network_id::from(cfg.network)));
  auto node_cfg = cfg;
  node_cfg.bootstrap.clear(); // dialled by the supervisor once every subsystem listens
  node_cfg.peer_hints = !cfg.discovery;
  auto n = node::spawn_node(sys, std::move(node_cfg), secret_key::from_seed(key.seed()));
  // Arguments travel as shared pointers: CAF 0.17 binds a null reference for
  // spawns without arguments (see spawn_node).
  auto init = [](self_pointer self, node::node_handle n, std::shared_ptr<node::node_config> cfg,
                 std::shared_ptr<secret_key> key) {
    auto& st = self->state;
    st.log = log::get("network");
    st.node = std::move(n);
    st.cfg = std::move(*cfg);
    st.key.emplace(std::move(*key));
    return supervisor_behavior(self);
  };
  auto sup = sys.spawn(init, n, std::make_shared<node::node_config>(std::move(cfg)),
                       std::make_shared<secret_key>(std::move(key)));
  return {sup, n};
}

} // namespace mosaik::net
