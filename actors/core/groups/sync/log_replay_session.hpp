#pragma once
// The session of log replay (FEATURES 7.2), on a lagging follower: it fills
// the gap between the local commit index and the leader's announced
// committed position (the anchor) with committed entries fetched from the
// group's members.
//  - It asks every bonded peer (and peers that bond later) which committed
//    entries they hold; an unanswered ask is repeated after fetch_timeout.
//  - It splits the gap into chunks of at most batch_size entries over the
//    peers that hold them, one fetch in flight per peer; the leader gets a
//    chunk only when no other peer holds it (and, for the first
//    fetch_timeout, only once every other peer answered).
//  - A fetch unanswered after fetch_timeout is given up: the chunk goes to
//    another peer and the peer is asked again for what it holds.
//  - Memory is bounded: it holds or asks for at most max_held_entries
//    entries past the next one to hand out, and asks for no more while it
//    holds max_held_bytes of entry data.
//  - A batch is checked before it is kept: it is exactly the entries asked
//    for (or a prefix), their terms never decrease and never exceed the
//    anchor's, every known anchor inside it has the leader's term there, and
//    its first term is not below the previous entry's. A batch that fails is
//    discarded, its sender is no longer asked, and the chunk is fetched
//    elsewhere.
//  - Verified entries are handed out in log order, each index once; the
//    engine appends them through the Raft core (raw_node::append_committed).
// Appends of the leader arriving meanwhile are not buffered here: Raft
// handles them as always (it rejects those past its log and the leader
// probes back), so no second copy of them is kept.

#include "actors/core/groups/sync/log_replay_config.hpp"
#include "actors/core/groups/sync/state_sync.hpp"

#include <map>
#include <optional>
#include <vector>

namespace mosaik::groups {

class log_replay_session final : public sync_session {
public:
  struct start {
    peer_id leader;
    /// The bonded peers (the leader among them).
    std::vector<peer_id> peers;
    /// The local commit index and the term of that entry.
    raft::index_t commit = 0;
    raft::term_t commit_term = 0;
    /// A committed position the leader announced, when the append that
    /// showed the lag named one past the local commit index.
    std::optional<log_anchor> anchor;
    /// The leader's commit index then: the session is done no earlier than
    /// the local commit index reaches it (fetching waits for an anchor).
    raft::index_t leader_commit = 0;
    millis now{0};
  };

  log_replay_session(log_replay_config cfg, start s);

  void receive(const peer_id& from, const sync_message& m, millis now) override;
  void leader_anchor(const log_anchor& a) override;
  void bond_up(const peer_id& peer) override;
  void bond_down(const peer_id& peer) override;
  void committed(raft::index_t commit, raft::term_t term) override;
  void tick(millis now) override;
  sync_output take_output() override;
  bool done() const override;
  const sync_stats& stats() const override { return stats_; }

  /// The position the session catches up to (the highest anchor).
  std::optional<log_anchor> target() const;

private:
  struct in_flight {
    index_range range;
    millis deadline;
  };
  struct peer_state {
    std::optional<index_range> holds;
    std::optional<millis> asked_at;
    std::optional<in_flight> fetch;
    /// Answered an availability ask this session.
    bool answered = false;
    /// Sent a batch that failed the checks: not asked again this session.
    bool distrusted = false;
  };
  struct held_batch {
    peer_id from;
    std::vector<raft::entry> entries;
    std::size_t bytes = 0;
  };

  void ask(const peer_id& p, peer_state& st);
  void on_availability(const peer_id& from, const availability_response& a);
  void on_fetched(const peer_id& from, const fetch_response& r);
  bool verified(const fetch_response& r, const index_range& asked) const;
  void reject(const peer_id& from);
  void hold(const peer_id& from, std::vector<raft::entry> entries);
  /// Takes the first held batch out.
  held_batch unhold();
  /// Hands out the held batches that continue the log.
  void release();
  /// Gives idle peers chunks of the gap.
  void assign(millis now);
  /// The next chunk nobody holds or fetches, starting at or after `from`.
  std::optional<index_range> next_gap(raft::index_t from, raft::index_t limit) const;
  const peer_id* pick_peer(raft::index_t first) const;
  /// Whether another peer may still say it holds what the leader would get.
  bool others_may_answer() const;

  log_replay_config cfg_;
  peer_id leader_;
  std::map<peer_id, peer_state> peers_;
  /// The leader's committed positions (index -> term), the highest few.
  std::map<raft::index_t, raft::term_t> anchors_;
  /// The next index to hand out, and the term of the entry before it.
  raft::index_t next_;
  raft::term_t prev_term_;
  std::map<raft::index_t, held_batch> held_;
  std::size_t held_bytes_ = 0;
  raft::index_t leader_commit_;
  millis started_;
  millis now_;
  sync_output out_;
  sync_stats stats_;
};

} // namespace mosaik::groups
