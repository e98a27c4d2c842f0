#include "tests/support/sim_cluster.hpp"

#include "actors/network/network_api.hpp"
#include "actors/network/supervisor.hpp"
#include <caf/io/broker.hpp>

namespace mosaik::test {

namespace {

using node_broker = caf::io::stateful_broker<::mosaik::node::node_state>;

} // namespace

sim_cluster::sim_cluster(std::size_t n, std::uint64_t seed) : base(n), seed_(seed) {
  configs_.resize(n);
  supervisors_.resize(n);
  nodes_.resize(n);
  recorders_.resize(n);
  incarnations_.resize(n);
  crashed_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    process_.push_back(i);
    auto& c = configs_[i];
    c.network = "sim";
    c.listen = address(i);
    c.seed = seed * 1000 + i;
    events_.push_back(std::make_shared<std::vector<::mosaik::node::link_event>>());
  }
}

sim_cluster::~sim_cluster() {
  for (auto& a : extras_)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (supervisors_[i])
      caf::anon_send_exit(supervisors_[i], caf::exit_reason::user_shutdown);
    if (recorders_[i])
      caf::anon_send_exit(recorders_[i], caf::exit_reason::user_shutdown);
  }
  run_messages();
}

secret_key sim_cluster::key(std::size_t i) const {
  secret_key::seed_type s{};
  for (std::size_t b = 0; b < 8; ++b)
    s[b] = static_cast<std::uint8_t>(seed_ >> (8 * b));
  s[8] = static_cast<std::uint8_t>(i);
  s[9] = static_cast<std::uint8_t>(i >> 8);
  s[10] = 0x5a;
  return secret_key::from_seed(s);
}

wire::endpoint sim_cluster::address(std::size_t i) const {
  return {"n" + std::to_string(i), static_cast<std::uint16_t>(4000 + i)};
}

void sim_cluster::bootstrap(std::size_t i, std::size_t j, bool with_id) {
  ::mosaik::link::peer_address a;
  a.endpoint = address(j);
  if (with_id)
    a.peer = peer(j);
  configs_.at(i).bootstrap.push_back(a);
  connectable(i, j);
}

void sim_cluster::connectable(std::size_t client, std::size_t server) {
  allowed_.emplace(client, server);
  allowed_.emplace(server, client); // reconnects may go either way
  replenish();
}

void sim_cluster::replenish() {
  for (auto [c, s] : allowed_) {
    if (crashed_[c] || crashed_[s])
      continue;
    auto addr = address(s);
    auto& client = (*this)[c];
    if (!client.mpx.has_pending_scribe(addr.host, addr.port))
      prepare_connection((*this)[s], client, addr.host, addr.port);
  }
}

void sim_cluster::spawn(std::size_t i) {
  auto& n = (*this)[i];
  listen(n, address(i).port);
  for (std::size_t j = 0; j < size(); ++j)
    if (j != i && nodes_[j])
      connectable(i, j);
  // State goes in as spawn arguments: CAF 0.17 binds a null reference for
  // spawns without arguments (UBSan reports it).
  auto cfg = configs_[i];
  if (cfg.seed && incarnations_[i] > 0)
    *cfg.seed += std::uint64_t{incarnations_[i]} << 40;
  // Unix time now in the simulation: a restarted node's entries outrank its
  // previous life's.
  cfg.epoch = sim_epoch + std::chrono::duration_cast<std::chrono::milliseconds>(
                            n.sched.clock().now().time_since_epoch());
  recorders_[i] = n.sys.spawn(
    [](caf::event_based_actor*, std::shared_ptr<std::vector<::mosaik::node::link_event>> events) -> caf::behavior {
      return {
        [events](const ::mosaik::node::link_event& e) { events->push_back(e); },
        [](const ::mosaik::node::link_rtt&) {},
        [](const ::mosaik::node::link_writable&) {},
      };
    },
    events_[i]);
  auto net = ::mosaik::net::spawn_network(n.sys, std::move(cfg), key(i));
  supervisors_[i] = net.supervisor;
  nodes_[i] = net.node;
  caf::anon_send(nodes_[i], ::mosaik::node::subscribe_links{recorders_[i]});
}

void sim_cluster::start(std::size_t i) {
  spawn(i);
  run_messages();
  replenish();
  run_messages();
}

void sim_cluster::start_all() {
  for (std::size_t i = 0; i < size(); ++i)
    if (!nodes_[i])
      start(i);
}

void sim_cluster::start_all_at_once(std::uint64_t interleaving) {
  for (std::size_t i = 0; i < size(); ++i)
    if (!nodes_[i])
      spawn(i);
  for (std::size_t i = 0; i < size(); ++i)
    for (std::size_t j = 0; j < size(); ++j)
      if (i != j)
        connectable(i, j);
  std::mt19937 rng{static_cast<std::mt19937::result_type>(interleaving)};
  run_messages_shuffled(rng);
  replenish();
  run_messages();
}

net::supervisor_state& sim_cluster::supervisor(std::size_t i) {
  using actor_type = ::mosaik::net::supervisor_actor;
  return dynamic_cast<actor_type&>(*caf::actor_cast<caf::abstract_actor*>(supervisors_.at(i))).state;
}

node::node_state& sim_cluster::state(std::size_t i) {
  return dynamic_cast<node_broker&>(*caf::actor_cast<caf::abstract_actor*>(nodes_.at(i))).state;
}

wire::node_status sim_cluster::status(std::size_t i) {
  return state(i).status((*this)[i].sched.clock().now());
}

::mosaik::discovery::discovery_state& sim_cluster::discovery(std::size_t i) {
  using actor_type = caf::stateful_actor<::mosaik::discovery::discovery_state>;
  return dynamic_cast<actor_type&>(*caf::actor_cast<caf::abstract_actor*>(discovery_actor(i))).state;
}

std::chrono::milliseconds sim_cluster::discovery_now(std::size_t i) {
  return discovery(i).unix_time((*this)[i].sched.clock().now());
}

std::set<peer_id> sim_cluster::catalog(std::size_t i) {
  std::set<peer_id> out;
  for (const auto& p : discovery(i).eng->catalog().signed_peers(discovery_now(i)))
    out.insert(p.entry.peer());
  return out;
}

bool sim_cluster::catalogs_converged() {
  std::set<peer_id> all;
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (started(i))
      all.insert(peer(i));
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (!started(i))
      continue;
    auto others = all;
    others.erase(peer(i));
    if (catalog(i) != others)
      return false;
  }
  return true;
}

std::uint64_t sim_cluster::counter(std::size_t i, const std::string& name, const metrics::labels& l) {
  return state(i).counter(name, l);
}

std::size_t sim_cluster::ups(std::size_t i, std::size_t j) const {
  auto p = peer(j);
  return static_cast<std::size_t>(std::count_if(events(i).begin(), events(i).end(),
                                                [&](const auto& e) { return e.up && e.peer == p; }));
}

std::size_t sim_cluster::downs(std::size_t i, std::size_t j) const {
  auto p = peer(j);
  return static_cast<std::size_t>(std::count_if(events(i).begin(), events(i).end(),
                                                [&](const auto& e) { return !e.up && e.peer == p; }));
}

bool sim_cluster::linked(std::size_t i, std::size_t j) {
  return started(i) && state(i).links.count(peer(j)) != 0;
}

std::size_t sim_cluster::link_count(std::size_t i) {
  return state(i).links.size();
}

bool sim_cluster::full_mesh() {
  for (std::size_t i = 0; i < size(); ++i)
    for (std::size_t j = 0; j < size(); ++j)
      if (i != j && started(i) && started(j) && !linked(i, j))
        return false;
  return true;
}

bool sim_cluster::run_until(const std::function<bool()>& pred, caf::timespan limit,
                            caf::timespan tick) {
  for (caf::timespan t{0}; t < limit && !pred(); t += tick) {
    replenish();
    advance_time(tick);
  }
  return pred();
}

void sim_cluster::run(caf::timespan total, caf::timespan tick) {
  for (caf::timespan t{0}; t < total; t += tick) {
    replenish();
    advance_time(tick);
  }
}

void sim_cluster::stop(std::size_t i) {
  auto& n = (*this)[i];
  n.self->send(supervisors_[i], ::mosaik::net::shutdown{});
  run(std::chrono::seconds{1});
  caf::anon_send_exit(supervisors_[i], caf::exit_reason::user_shutdown);
  caf::anon_send_exit(recorders_[i], caf::exit_reason::user_shutdown);
  supervisors_[i] = nullptr;
  nodes_[i] = nullptr;
  recorders_[i] = nullptr;
  run_messages();
  // Drop the shutdown reply from the scoped actor's mailbox.
  n.self->receive([](bool) {}, caf::after(std::chrono::seconds{0}) >> [] {});
}

void sim_cluster::crash(std::size_t i, crash_mode mode) {
  if (!started(i))
    return;
  auto& n = (*this)[i];
  // From a quiet network, so that only whole records are in flight below.
  run_messages();
  isolate(n);
  caf::anon_send_exit(nodes_[i], caf::exit_reason::kill);
  caf::anon_send_exit(supervisors_[i], caf::exit_reason::kill);
  caf::anon_send_exit(recorders_[i], caf::exit_reason::kill);
  supervisors_[i] = nullptr;
  nodes_[i] = nullptr;
  recorders_[i] = nullptr;
  run_messages(); // what the dying process's middleman sends stays queued
  crashed_[i] = true;
  if (mode == crash_mode::reset)
    reset_connections(i);
}

void sim_cluster::reset_connections(std::size_t i) {
  auto& n = (*this)[i];
  for (std::size_t j = 0; j < size(); ++j)
    if (j != i) {
      drop_in_flight(n, (*this)[j]);
      disconnect(n, (*this)[j]);
    }
  close_port(address(i).host, address(i).port);
}

void sim_cluster::restart(std::size_t i) {
  if (started(i))
    crash(i);
  run_messages();
  reset_connections(i);
  process_[i] = base::size();
  add_node();
  ++incarnations_[i];
  crashed_[i] = false;
  start(i);
}

raw_connection sim_cluster::open_raw(std::size_t from, std::size_t to) {
  auto addr = address(to);
  auto& n = (*this)[from];
  // A connection of its own, so the node's own dials keep theirs.
  prepare_connection((*this)[to], n, addr.host, addr.port);
  auto r = connect_raw(n.sys, addr.host, addr.port, [this] { run_messages(); });
  extras_.push_back(r.broker());
  run_messages();
  return r;
}

} // namespace mosaik::test
