#pragma once
// The Raft core's public face (after etcd-io/raft's rawnode.go). Single
// threaded and deterministic: driven only by the calls below, it reads its
// durable state through a read-only `storage` and hands everything else out
// in `ready` batches. No clock, no I/O, seeded randomness.
//
// Caller loop:  inputs...; while (n.has_ready()) { auto rd = n.take_ready();
//   persist rd (atomically, durably); send rd.messages; apply
//   rd.committed_entries; act on events; n.advance(); }

#include "actors/core/raft/config.hpp"
#include "actors/core/raft/peer_info.hpp"
#include "actors/core/raft/raft.hpp"
#include "actors/core/raft/ready.hpp"
#include "actors/core/raft/storage.hpp"

#include <cstdint>
#include <map>

namespace mosaik::raft {

struct node_status {
  soft_state soft;
  hard_state hard;
  index_t applied = 0;
  index_t last_index = 0;
  configuration config;
  /// Leader only: each other member's replication progress, as etcd's
  /// Status().Progress.
  std::map<node_id, progress_status> progress;
};

class raw_node {
public:
  /// Restarts from what `s` holds. `applied` is the last index the state
  /// machine already has (committed entries after it are handed out again).
  /// `s` must outlive the node and change only through ready batches (and
  /// compaction of applied entries).
  static expected<raw_node, storage_error> create(config cfg, const storage& s, index_t applied = 0);

  raw_node(raw_node&&) = default;
  raw_node& operator=(raw_node&&) = default;
  raw_node(const raw_node&) = delete;
  raw_node& operator=(const raw_node&) = delete;

  // -- inputs ------------------------------------------------------------------

  /// Advances logical time by one tick.
  void tick() { raft_.tick(); }
  void step(const message& m) { raft_.step(m); }
  /// Proposes a command. The outcome arrives as proposal events with this id.
  /// Never reuse an id while the node lives: a forwarded answer carries only
  /// the id, and one arriving late for an earlier proposal (after it timed
  /// out) would be taken for the new one.
  void propose(std::uint64_t id, bytes command) { raft_.propose(id, std::move(command)); }
  /// Asks for a linearizable read point; answered by a read_state. Ids are
  /// never reused either: a late answer confirmed leadership before the new
  /// read began.
  void read_index(std::uint64_t id) { raft_.read_index(id); }
  /// A bond to a group peer formed.
  void peer_joined(const peer_info& p) { raft_.peer_joined(p); }
  /// The peer announced a graceful departure: it is removed at once.
  void peer_departed(const node_id& p) { raft_.peer_departed(p); }
  /// The bond to the peer closed without a departure.
  void peer_lost(const node_id& p) { raft_.peer_lost(p); }
  /// State sync fetched the state at `meta`. The hand-off:
  ///  1. A ready's `snapshot_needed` names a position the leader asked for
  ///     (its own snapshot, so committed state; pass it back unchanged, never
  ///     a position of the caller's making).
  ///     The caller fetches the state at exactly (index, term) through state
  ///     sync, outside the core and at its own pace; a later ready may ask
  ///     for a newer position while it does, and the caller may drop the
  ///     older fetch or finish it (each is decided on its own).
  ///  2. Once the whole state is in hand, possibly much later (after more
  ///     messages, elections, restarts of this node or compaction), the
  ///     caller calls this with the metadata it fetched, at any time it may
  ///     give inputs. The core decides on its log as it is then (Figure 13):
  ///     - refused: already committed at or past `meta.index` (or the node
  ///       stopped on a storage failure). Discard the fetched state.
  ///     - advanced_commit: the log holds (index, term), so the commit index
  ///       advances to it and the log stays (entries after it may already
  ///       be acknowledged). Discard the fetched state and keep the own
  ///       state machine: the entries up to the index arrive as
  ///       committed_entries as usual.
  ///     - restored: the log restarts after `meta`. The next ready carries
  ///       `meta` as `snapshot`: persist it and replace the state machine
  ///       with the fetched state, which must stay available for restarts.
  ///  A follower that has not stopped tells its leader its commit index. A
  ///  caller that restarts loses nothing by dropping a fetch in progress:
  ///  the leader asks again.
  snapshot_install install_snapshot(const snapshot_metadata& meta) {
    return raft_.install_snapshot(meta);
  }

  /// State sync by log replay fetched `ents`, consecutive entries that other
  /// members reported committed; `commit` is the highest commit index the
  /// leader announced. Appended only when they start at or before
  /// committed() + 1 (so they follow an entry that is committed here too:
  /// log matching, section 5.3) and agree with every committed entry here
  /// (committed entries are never replaced). The commit index moves to
  /// min(commit, last entry): committed entries are the same on every
  /// member (state machine safety). A follower then tells its leader how far
  /// its log matches, in a message the next ready sends after persisting
  /// the entries. Returns the new commit index, nullopt when refused
  /// (a leader, a stopped node, a gap, a disagreement with committed
  /// entries).
  std::optional<index_t> append_committed(std::span<const entry> ents, index_t commit) {
    return raft_.append_committed(ents, commit);
  }

  // -- output ------------------------------------------------------------------

  bool has_ready() const;
  /// Everything to do now; call advance() once it is done.
  ready take_ready();
  void advance();

  // -- state -------------------------------------------------------------------

  node_status status() const;
  const node_id& id() const { return raft_.id(); }
  /// The configuration in force: the latest in the log (diss. §4.1).
  const configuration& current_config() const { return raft_.conf(); }
  const digest& lineage() const { return raft_.lineage(); }
  index_t committed() const { return raft_.log().committed(); }
  index_t applied() const { return raft_.log().applied(); }

private:
  raw_node(raft r) : raft_(std::move(r)) {}
  /// The hard state a ready hands out (raft_.hard() unless a test injects
  /// a bug).
  hard_state reported_hard() const;

  struct handed_out {
    index_t last_index = 0;
    term_t last_term = 0;
    std::optional<index_t> snapshot_index;
    index_t applying = 0;
  };

  raft raft_;
  soft_state prev_soft_;
  hard_state prev_hard_;
  configuration prev_config_;
  std::optional<handed_out> handed_;
};

} // namespace mosaik::raft
