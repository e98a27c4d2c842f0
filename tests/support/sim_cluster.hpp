#pragma once
// sim_cluster -- N mosaik nodes on the simulated network (sim_network.hpp),
// driven by simulated time only. Later subsystems (groups, streams,
// discovery) reuse it: start nodes, let them dial each other, inject faults,
// read link events and status.
//
//   sim_cluster c{3, /*seed*/ 7};
//   c.bootstrap(1, 0); c.bootstrap(2, 0);   // before start()
//   c.start_all();
//   CHECK(c.run_until([&] { return c.linked(1, 0); }, 5s));
//
// Started nodes can open connections to each other (a fully connected
// network); partitions, resets, crashes and restarts are faults on top of
// that. Node i listens on "n<i>":(4000 + i) with a key and a nonce/jitter
// seed derived from (seed, i), so a run replays exactly from its seed.
//
// Each node runs as a simulated process (an actor system on the io_dsl test
// multiplexer), started through the network supervisor as a real process is
// (network/supervisor.hpp). restart(i) starts a new process for node i, so c[i] is node
// i's current process; crashed processes stay in the simulation, silent.

#include "actors/discovery/discovery_state.hpp"
#include "actors/network/supervisor_state.hpp"
#include "actors/node/node_api.hpp"
#include "actors/node/node_config.hpp"
#include "actors/node/node_state.hpp"
#include "actors/transport/system_config.hpp"
#include "tests/support/raw_connection.hpp"
#include "tests/support/sim_network.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <vector>

namespace mosaik::test {

/// Unix time at the start of every simulation (a node started later gets
/// this plus the simulated time so far): discovery's clock, and with it
/// every entry version and signature, replays from the seed alone.
inline constexpr std::chrono::milliseconds sim_epoch{1'700'000'000'000};

class sim_cluster : public sim_network_base<transport::system_config> {
public:
  using base = sim_network_base<transport::system_config>;
  using node_t = base::node;

  sim_cluster(std::size_t n, std::uint64_t seed = 1);
  ~sim_cluster() override;

  /// The number of nodes (not of processes: a restart adds one).
  std::size_t size() const { return configs_.size(); }
  /// Node i's current process.
  node_t& operator[](std::size_t i) { return base::operator[](process_.at(i)); }

  /// The config node i will start with; edit it before start(i).
  ::mosaik::node::node_config& config(std::size_t i) { return configs_.at(i); }
  /// Node i's key seed; keys are derived from (seed, i).
  secret_key key(std::size_t i) const;
  peer_id peer(std::size_t i) const { return key(i).public_id(); }
  wire::endpoint address(std::size_t i) const;

  /// Node i dials node j at start (`PEERID@` known when with_id).
  void bootstrap(std::size_t i, std::size_t j, bool with_id = true);
  /// Lets node `client` open TCP connections to node `server` (kept topped up).
  void connectable(std::size_t client, std::size_t server);

  void start(std::size_t i);
  /// Starts the nodes one after the other (each runs before the next starts).
  void start_all();
  /// Starts every node before any runs, then interleaves them from a seed:
  /// bootstrap dials cross, as when processes start at the same moment.
  void start_all_at_once(std::uint64_t interleaving);
  bool started(std::size_t i) const { return static_cast<bool>(nodes_.at(i)); }
  const ::mosaik::node::node_handle& node_actor(std::size_t i) const { return nodes_.at(i); }
  /// Node i's network supervisor and its state.
  const ::mosaik::net::network_handle& supervisor_actor(std::size_t i) const { return supervisors_.at(i); }
  ::mosaik::net::supervisor_state& supervisor(std::size_t i);
  ::mosaik::node::node_state& state(std::size_t i);
  wire::node_status status(std::size_t i);
  /// Node i's discovery actor and its state (the node must run discovery).
  ::mosaik::discovery::discovery_handle discovery_actor(std::size_t i) { return supervisor(i).discovery; }
  ::mosaik::discovery::discovery_state& discovery(std::size_t i);
  /// Simulated Unix time at node i's discovery actor.
  std::chrono::milliseconds discovery_now(std::size_t i);
  /// The live signed peers node i's catalog holds now.
  std::set<peer_id> catalog(std::size_t i);
  /// Every started node's catalog holds exactly the other started nodes.
  bool catalogs_converged();
  /// Node i's counter `name` with labels `l` (its network label aside).
  std::uint64_t counter(std::size_t i, const std::string& name, const metrics::labels& l = {});
  /// Link events node i reported, in order, across its restarts.
  const std::vector<::mosaik::node::link_event>& events(std::size_t i) const { return *events_.at(i); }
  std::size_t ups(std::size_t i, std::size_t j) const;
  std::size_t downs(std::size_t i, std::size_t j) const;

  bool linked(std::size_t i, std::size_t j);
  std::size_t link_count(std::size_t i);
  /// Every started node is linked to every other started node.
  bool full_mesh();

  /// Advances simulated time in `tick` steps until `pred` holds or `limit`
  /// passed. Returns pred().
  bool run_until(const std::function<bool()>& pred, caf::timespan limit,
                 caf::timespan tick = std::chrono::milliseconds{50});
  /// Advances simulated time by `total` in `tick` steps.
  void run(caf::timespan total, caf::timespan tick = std::chrono::milliseconds{50});

  /// Stops `a` (an actor a test spawned on some node) with the cluster.
  void own(caf::actor a) { extras_.push_back(std::move(a)); }

  /// Shuts node i down gracefully (departure) and removes its actors.
  void stop(std::size_t i);

  /// How a crashed node disappears from the network.
  enum class crash_mode {
    /// kill -9 on a live host: its connections are reset, so peers see the
    /// transport drop at once, and its port refuses new connections.
    reset,
    /// The host vanishes (power loss, cable pulled): its connections stay
    /// open and silent, so peers notice only by their heartbeat budget, and
    /// a connect to it hangs until the dialler's timeout.
    silent,
  };
  /// Node i's actors vanish: no departure, nothing it had queued gets out.
  void crash(std::size_t i, crash_mode mode = crash_mode::reset);
  /// Node i comes back as a new process (a new actor system, so a new CAF
  /// node id) with the same key, address and config, bootstrap included,
  /// fresh in-memory state, and nonces and jitter seeded from (seed, i,
  /// incarnation). The old process's connections are reset first, as a
  /// rebooted host answers them. A running node is crashed first.
  void restart(std::size_t i);
  /// How many times node i was restarted.
  unsigned incarnation(std::size_t i) const { return incarnations_.at(i); }

  /// A raw TCP connection from node `from`'s process to node `to`'s
  /// listen address (see raw_connection.hpp).
  raw_connection open_raw(std::size_t from, std::size_t to);

private:
  void spawn(std::size_t i);
  void replenish();
  /// Resets every connection of node i's current process and closes its port.
  void reset_connections(std::size_t i);

  std::uint64_t seed_;
  std::vector<::mosaik::node::node_config> configs_;
  std::vector<::mosaik::net::network_handle> supervisors_;
  std::vector<::mosaik::node::node_handle> nodes_;
  std::vector<caf::actor> recorders_;
  std::vector<caf::actor> extras_;
  std::vector<std::shared_ptr<std::vector<::mosaik::node::link_event>>> events_;
  std::set<std::pair<std::size_t, std::size_t>> allowed_;
  std::vector<std::size_t> process_;    // node -> its current process in the base
  std::vector<unsigned> incarnations_;
  std::vector<bool> crashed_;           // no connections are prepared to or from it
};

} // namespace mosaik::test
