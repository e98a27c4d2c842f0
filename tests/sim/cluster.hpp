#pragma once
// The seeded simulation of a Raft group on the pure core (no CAF): nodes on
// a faulty network (loss, delay, reordering, duplication, partitions), with
// crashes that lose unsynced writes, pauses, membership churn, delayed and
// racing state syncs, compaction at random moments and clients running a
// replicated key-value store. Safety is checked after every step,
// liveness after healing, linearizability at the end.

#include "actors/core/raft/memory_storage.hpp"
#include "actors/core/raft/raw_node.hpp"
#include "actors/core/rng.hpp"
#include "tests/sim/checker.hpp"
#include "tests/sim/kv_machine.hpp"
#include "tests/sim/linearizability.hpp"
#include "tests/sim/trace_hash.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace mosaik::sim {

struct sim_options {
  std::uint64_t seed = 1;
  std::uint64_t steps = 20000;
  std::size_t voters = 0; // 0: 3, 5 or 7, drawn from the seed
  std::string bug;        // an injected bug (see known_bugs), empty for none
  bool verbose = false;
  bool codec = true;      // send every message through the Cap'n Proto codec
};

/// Names accepted by --inject-bug.
const std::vector<std::string>& known_bugs();

struct fault_counts {
  std::uint64_t dropped = 0, duplicated = 0, partitions = 0, crashes = 0, leader_crashes = 0,
                persist_crashes = 0,
                pauses = 0, joins = 0, departures = 0, deaths = 0, rejoins = 0, snapshots = 0,
                syncs = 0, syncs_kept_log = 0, syncs_refused = 0, syncs_raced = 0,
                compactions = 0;
};

struct run_report {
  bool ok = true;
  std::string violation;
  std::uint64_t steps = 0;
  double sim_seconds = 0;
  std::uint64_t trace = 0;
  std::size_t voters = 0;
  std::size_t observers = 0;
  std::uint64_t elections = 0;      // times a node became leader
  std::uint64_t leader_changes = 0; // times the newest leader was another node
  std::uint64_t commits = 0;        // highest committed index
  std::uint64_t ops_ok = 0, ops_failed = 0, ops_unknown = 0, reads = 0;
  std::uint64_t lin_inconclusive = 0;
  fault_counts faults;
};

run_report run_simulation(const sim_options& opts);

// -- internals -------------------------------------------------------------------

using sim_time = std::uint64_t; // milliseconds

inline constexpr sim_time tick_ms = 100;

enum class node_state : std::uint8_t { spare, alive, crashed, gone };

struct op_record {
  std::size_t client = 0;
  std::uint32_t key = 0;
  register_op::kind kind = register_op::kind::write;
  std::uint64_t value = 0;
  std::uint64_t expected = 0;
  std::uint64_t call = 0;
  std::uint64_t ret = never;
  enum class status : std::uint8_t { pending, ok, cas_failed, failed, unknown } st = status::pending;
  std::size_t node = 0;
  raft::index_t index = 0; // assigned index (writes) or read index (reads)
};

struct sim_node {
  std::size_t idx = 0;
  raft::node_id id;
  bool observer = false;
  node_state state = node_state::spare;
  std::uint64_t generation = 0;  // bumped by a wipe
  std::uint64_t incarnation = 0; // bumped by every restart
  std::uint64_t tick_epoch = 0;  // ticks of an earlier incarnation are ignored
  sim_time paused_until = 0;
  sim_time restart_at = 0;
  bool crash_on_persist = false;
  bool permanent = false; // gone for good unless rejoined by churn
  std::size_t compact_every = 100; // each node compacts on its own schedule (§7)
  double compact_chance = 0;

  raft::memory_storage store;
  std::optional<raft::raw_node> raft;
  raft::soft_state soft;
  raft::index_t commit = 0;
  kv_machine kv;
  raft::index_t kv_applied = 0;
  std::map<raft::index_t, kv_machine> snapshots; // durable state snapshots
  std::optional<std::pair<raft::snapshot_metadata, kv_machine>> offered;
  struct fetch {
    raft::snapshot_metadata meta;
    kv_machine state;
    /// Finish the moment the log holds the snapshot's last entry while the
    /// commit index is still below it (issue 11's window).
    bool in_window = false;
  };
  std::map<std::uint64_t, fetch> fetches; // state syncs in progress, by id

  std::set<std::size_t> bonds;
  std::map<std::size_t, sim_time> bond_down_since;
  std::map<std::uint64_t, std::size_t> proposals; // proposal id -> op
  std::map<std::uint64_t, std::size_t> reads;     // read id -> op
  std::vector<std::pair<raft::index_t, std::size_t>> reads_waiting;
  std::unordered_map<std::uint64_t, bool> results; // op id -> applied result

  bool paused(sim_time now) const { return paused_until > now; }
  bool up() const { return state == node_state::alive; }
  std::string name() const;
};

struct client_state {
  std::optional<std::size_t> op;
  std::uint64_t generation = 0; // invalidates stale timeout events
  std::uint64_t counter = 0;
  std::map<std::uint32_t, std::uint64_t> seen;
  bool final_done = false; // liveness phase: a write committed after healing
};

struct fault_profile {
  double drop = 0;
  double duplicate = 0;
  sim_time delay_mean = 5;
  bool partitions = false, crashes = false, pauses = false, churn = false;
  /// MIT 6.824's Figure 8 test: crash the leader while it replicates, and
  /// bring nodes back quickly.
  bool leader_churn = false;
  double leader_crash = 0; // chance a leader crashes after taking entries
  std::size_t compact_every = 100; // applied entries between compactions, per node
  double compact_chance = 0; // per node and chaos round: compact what is applied
  sim_time sync_delay_max = 0; // a state sync takes up to this long
  double sync_race = 0; // a newer request leaves the fetches in progress running
  double sync_pauses_leader = 0; // a fetch starts, and the leader that asked pauses
  std::size_t keys = 3;
  std::size_t clients = 4;
};

class cluster {
public:
  explicit cluster(const sim_options& opts);
  run_report run();

private:
  struct event {
    sim_time at;
    std::uint64_t seq;
    enum class kind : std::uint8_t { tick, deliver, client, chaos, crash, request, sync } k;
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    bool operator>(const event& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  struct envelope {
    std::size_t from = 0;
    std::size_t to = 0;
    raft::message msg;
    bytes encoded;
    std::optional<std::pair<raft::snapshot_metadata, kv_machine>> attached;
  };

  // -- cluster.cpp: the loop --------------------------------------------------
  void schedule(sim_time at, event::kind k, std::uint64_t a = 0, std::uint64_t b = 0);
  bool step();
  void on_tick(std::size_t n, std::uint64_t epoch);
  void on_deliver(std::uint64_t id);
  bool liveness_phase();
  bool converged(std::string& why) const;
  void check_linearizability();
  std::optional<std::size_t> leader() const;
  void violation(std::string what);
  void note(const std::string& line) const;
  void dump() const;
  raft::config node_config(const sim_node& n) const;

  // -- cluster_nodes.cpp: readies, crash, restart -------------------------------
  void drain(sim_node& n);
  bool persist(sim_node& n, const raft::ready& rd);
  void observe(sim_node& n, const raft::ready& rd);
  void apply(sim_node& n, const raft::ready& rd);
  void check_commit_safe(const sim_node& committer, raft::index_t index);
  void events(sim_node& n, raft::ready& rd);

  // -- cluster_sync.cpp: state sync and compaction -------------------------------
  void start_sync(sim_node& n, const raft::snapshot_metadata& meta);
  void on_sync(std::size_t n, std::uint64_t fetch);
  void pause_leader_of(const sim_node& n);
  void finish_syncs_in_window(sim_node& n);
  void check_install(const sim_node& n, const raft::snapshot_metadata& meta,
                     raft::index_t committed, bool held, raft::snapshot_install result);
  void maybe_compact(sim_node& n);
  void compact(sim_node& n);
  void chaos_compact();
  void send(sim_node& n, raft::message m);
  void start(sim_node& n);
  void crash(sim_node& n, std::size_t keep);
  void restart(sim_node& n);
  void wipe(sim_node& n);
  node_key key(const sim_node& n) const { return {n.id, n.generation}; }

  // -- cluster_faults.cpp: chaos and bonds --------------------------------------
  void on_chaos();
  void chaos_partitions();
  void chaos_crashes();
  void chaos_pauses();
  void chaos_churn();
  void chaos_leader();
  void on_leader_append(sim_node& n);
  void on_crash(std::size_t n, std::uint64_t epoch);
  void update_bonds();
  bool connected(std::size_t from, std::size_t to) const;
  void heal_all();
  bool member_anywhere(const raft::node_id& id) const;
  bool may_lose_member(const sim_node& n) const;
  std::optional<std::size_t> pick(std::function<bool(const sim_node&)> pred);

  // -- cluster_clients.cpp -------------------------------------------------------
  void on_client(std::size_t c, std::uint64_t generation);
  void issue(std::size_t c);
  void on_request(std::size_t op, std::uint64_t epoch);
  void on_proposal(sim_node& n, const raft::proposal_event& e);
  void on_read(sim_node& n, const raft::read_state& r);
  void serve_reads(sim_node& n);
  void complete(std::size_t op, op_record::status st);
  void abandon_ops(sim_node& n);

  struct stderr_sink : raft::log_sink {
    const sim_time* now = nullptr;
    bool enabled(raft::log_level level) const override { return level >= raft::log_level::info; }
    void write(raft::log_level, std::string_view line) override;
  };

  sim_options opts_;
  rng rng_;
  mutable stderr_sink sink_;
  fault_profile profile_;
  run_report report_;
  checker checker_;
  trace_hash trace_;
  raft::injected_bugs bugs_;

  sim_time now_ = 0;
  std::uint64_t seq_ = 0;
  std::priority_queue<event, std::vector<event>, std::greater<>> queue_;
  std::vector<std::unique_ptr<sim_node>> nodes_;
  std::vector<raft::node_id> retired_; // identities wiped nodes left behind
  std::unordered_map<std::uint64_t, envelope> in_flight_;
  std::uint64_t next_message_ = 0;
  std::uint64_t next_fetch_ = 0;

  // faults
  bool chaos_on_ = false;
  bool healing_ = false;
  std::vector<int> side_;                       // partition side per node
  std::set<std::pair<std::size_t, std::size_t>> one_way_; // cut directions
  sim_time heal_at_ = 0;
  std::uint64_t member_timeout_ticks_ = 300;
  std::size_t min_voters_ = 1;
  std::size_t max_append_bytes_ = 1u << 20;
  std::size_t max_inflight_ = 64;

  // clients
  std::vector<client_state> clients_;
  std::vector<op_record> ops_;
  std::uint64_t clock_ = 0; // logical time of invocations and answers
  std::uint64_t next_request_ = 1;
  std::optional<raft::node_id> last_leader_;
};

} // namespace mosaik::sim
