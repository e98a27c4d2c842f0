#pragma once
// The Raft protocol state machine behind raw_node (after etcd-io/raft's
// raft.go): one step function per role, inputs in, messages and events out.
// Paper references: § = "In Search of an Understandable Consensus
// Algorithm" (extended); "diss. §" = Ongaro's dissertation.
//
// The code is split by concern:
//   raft.cpp             construction, term rules, role changes, votes
//   raft_leader.cpp      replication, commit, heartbeats, check-quorum
//   raft_follower.cpp    appends, heartbeats and snapshots from the leader
//   raft_membership.cpp  configurations in the log, bootstrap, reconcile
//   raft_client.cpp      proposals and ReadIndex, local and forwarded

#include "actors/core/raft/config.hpp"
#include "actors/core/raft/config_change.hpp"
#include "actors/core/raft/message.hpp"
#include "actors/core/raft/peer_info.hpp"
#include "actors/core/raft/progress.hpp"
#include "actors/core/raft/raft_log.hpp"
#include "actors/core/raft/read_only.hpp"
#include "actors/core/raft/ready.hpp"
#include "actors/core/rng.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mosaik::raft {

class raft {
public:
  raft(config cfg, const storage& s);

  /// Reads the configurations in the log; a failure here makes the node
  /// unusable.
  storage_result<bool> load(index_t applied);

  // -- inputs ------------------------------------------------------------------

  void tick();
  void step(const message& m);
  void propose(std::uint64_t id, bytes command);
  void read_index(std::uint64_t id);
  void peer_joined(const peer_info& p);
  void peer_departed(const node_id& p);
  void peer_lost(const node_id& p);
  snapshot_install install_snapshot(const snapshot_metadata& meta);
  /// State sync (log replay) fetched committed entries; see raw_node.
  std::optional<index_t> append_committed(std::span<const entry> ents, index_t commit);
  /// Committed entries up to `upto` were handed out: settle the proposals
  /// waiting on them.
  void resolve_proposals(index_t upto);

  // -- state -------------------------------------------------------------------

  const node_id& id() const { return cfg_.id; }
  const config& cfg() const { return cfg_; }
  soft_state soft() const { return {role_, leader_, term_}; }
  hard_state hard() const { return {term_, vote_, log_.committed()}; }
  const configuration& conf() const { return confs_.back().second; }
  const digest& lineage() const { return conf().lineage; }
  raft_log& log() { return log_; }
  const raft_log& log() const { return log_; }
  bool failed() const { return failed_; }
  /// Leader: each other member's progress (empty otherwise).
  std::map<node_id, progress_status> progress_of_followers() const;

  // -- outputs, drained by raw_node -------------------------------------------

  struct outbox {
    std::vector<message> messages;
    std::vector<proposal_event> proposals;
    std::vector<read_state> reads;
    std::vector<raft_error> errors;
    std::optional<snapshot_metadata> snapshot_needed;
    bool empty() const;
  };
  outbox& out() { return out_; }
  const outbox& out() const { return out_; }
  void fail(std::string detail);

private:
  using step_fn = void (raft::*)(const message&);

  // -- raft.cpp: term rules, roles, elections ---------------------------------
  bool accept_lineage(const message& m);
  bool on_higher_term(const message& m);
  void on_lower_term(const message& m);
  void handle_vote_request(const message& m);
  void reset(term_t term);
  void reset_election_timeout();
  void become_follower(term_t term, std::optional<node_id> leader);
  void become_pre_candidate();
  void become_candidate();
  void become_leader();
  void campaign(bool pre_vote);
  void step_follower(const message& m);
  void step_candidate(const message& m);
  void tick_election();
  bool promotable() const;
  std::vector<node_id> quorum_voters() const;
  void send(const node_id& to, message_body body, term_t term);
  void send(const node_id& to, message_body body) { send(to, std::move(body), term_); }
  template <class F>
  void trace(log_level level, F&& line) const;

  // -- raft_leader.cpp ----------------------------------------------------------
  void step_leader(const message& m);
  void tick_leader();
  index_t append_entry(entry_type type, bytes data);
  void broadcast_append();
  bool send_append(const node_id& to, bool send_if_empty = true);
  bool send_snapshot(const node_id& to, progress& pr);
  void broadcast_heartbeat();
  void handle_append_response(const message& m);
  void handle_heartbeat_response(const message& m);
  void note_response(progress& pr, bool observer);
  bool maybe_commit();
  void on_leader_commit();
  bool committed_in_term() const;
  bool quorum_active();
  void release_reads();
  void leader_read(std::uint64_t id, std::optional<node_id> from);
  void serve_read(const pending_read& r, std::optional<index_t> index);
  void drop_reads();

  // -- raft_follower.cpp --------------------------------------------------------
  void handle_append(const message& m);
  void handle_heartbeat(const message& m);
  void handle_snapshot(const message& m);
  /// Decides a snapshot that needs no fetched state (refused, or a prefix
  /// of our log); nullopt when it does.
  std::optional<snapshot_install> settle_without_state(const snapshot_metadata& meta);
  void ack_snapshot();
  void after_commit();

  // -- raft_membership.cpp ------------------------------------------------------
  void record_configs(std::span<const entry> ents);
  void truncate_configs(index_t from);
  void compress_configs();
  void sync_progress();
  void reconcile_membership();
  struct wanted_change {
    config_change change;
    bool margin = false; // must survive one more failure (removal by silence)
  };
  std::optional<config_change> next_change() const;
  std::vector<wanted_change> wanted_changes() const;
  bool silent(const node_id& p) const;
  bool keeps_quorum(const config_change& change, bool margin) const;
  bool observer_peer(const node_id& p) const;
  bool is_fresh() const;
  void tick_bootstrap();
  void bootstrap();
  void report_split(const node_id& peer, const digest& theirs);

  // -- raft_client.cpp ----------------------------------------------------------
  void step_forward(const message& m);
  void accept_forward(const node_id& from, const forward_proposal& p);
  void on_proposal_response(const proposal_response& r);
  void on_read_response(const read_response& r);
  void expire_forwards();
  void proposal_event_out(std::uint64_t id, proposal_outcome o, index_t i = 0, term_t t = 0);
  void read_event_out(std::uint64_t id, read_outcome o, index_t i = 0);

  struct own_proposal {
    index_t index = 0; // 0 until the leader acknowledged it
    term_t term = 0;
    std::uint64_t deadline = 0; // tick; only while unacknowledged
  };

  config cfg_;
  rng rng_;
  raft_log log_;
  bool failed_ = false;

  term_t term_ = 0;
  std::optional<node_id> vote_;
  role role_ = role::follower;
  std::optional<node_id> leader_;
  step_fn step_ = &raft::step_follower;

  /// Configurations by the index of the entry that made them; the first is
  /// the base (snapshot or committed), the last is in force (diss. §4.1).
  std::vector<std::pair<index_t, configuration>> confs_;

  std::uint64_t now_ = 0; // ticks since start
  std::uint32_t election_elapsed_ = 0;
  std::uint32_t heartbeat_elapsed_ = 0;
  std::uint32_t randomized_timeout_ = 0;
  std::uint64_t fresh_elapsed_ = 0;

  std::map<node_id, progress> prs_;     // leader only, one per member
  std::map<node_id, bool> votes_;       // candidate only
  std::map<node_id, std::uint64_t> last_heard_;
  index_t pending_conf_index_ = 0;      // leader: last config entry appended
  read_only reads_;                     // leader: confirmed by heartbeat rounds
  std::vector<pending_read> reads_before_commit_; // leader: before its term commits

  std::map<node_id, peer_info> known_;  // bonded peers
  std::set<node_id> departed_;          // departed gracefully
  std::set<node_id> split_reported_;
  bool someone_bootstrapped_ = false;
  /// False while a node that started with an empty log has not yet received
  /// everything its leader had committed: until then the configurations in
  /// its log are old ones, possibly listing it as a voter (say, a wiped
  /// node reusing its identity), and it must not campaign on them.
  bool caught_up_ = true;

  /// Leader: forwarded proposals already appended in this term, so that a
  /// duplicated message is not appended twice (bounded, oldest first out).
  std::map<std::pair<node_id, std::uint64_t>, std::pair<index_t, term_t>> forwarded_;
  std::deque<std::pair<node_id, std::uint64_t>> forwarded_order_;

  std::map<std::uint64_t, own_proposal> proposals_;
  std::map<std::uint64_t, std::uint64_t> forwarded_reads_; // id -> deadline tick

  outbox out_;
};

template <class F>
void raft::trace(log_level level, F&& line) const {
  if (cfg_.sink && cfg_.sink->enabled(level))
    cfg_.sink->write(level, id().short_hex() + " t" + std::to_string(term_) + " " + line());
}

} // namespace mosaik::raft
