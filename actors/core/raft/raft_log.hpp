#pragma once
// The log as the core sees it: persisted entries (read through `storage`)
// followed by unstable ones, plus the commit and apply positions (after
// etcd-io/raft's log.go).

#include "actors/core/raft/storage.hpp"
#include "actors/core/raft/unstable.hpp"

#include <optional>
#include <span>
#include <vector>

namespace mosaik::raft {

class raft_log {
public:
  /// Starts after what `s` holds; committed and applied start at the
  /// snapshot (the caller's applied index may be later, up to the durable
  /// commit index: applied_to checks it).
  explicit raft_log(const storage& s);

  index_t first_index() const;
  index_t last_index() const;
  term_t last_term() const;
  /// Term of entry i; i == first_index() - 1 gives the snapshot's term.
  storage_result<term_t> term(index_t i) const;
  bool match_term(index_t i, term_t t) const;

  struct append_result {
    index_t last_new = 0;      // last index the leader's message covers
    index_t replaced_from = 0; // first index written (0: nothing new)
  };
  /// A follower's append (§5.3): if the entry at prev_index has prev_term,
  /// drops conflicting entries, appends the new ones and commits up to
  /// min(commit, last new index).
  std::optional<append_result> maybe_append(index_t prev_index, term_t prev_term, index_t commit,
                                            std::span<const entry> ents);
  /// Appends after replacing any entries from ents.front().index on.
  index_t append(std::span<const entry> ents);
  /// First index among `ents` whose term differs from ours (or that we lack);
  /// 0 when all are present.
  index_t find_conflict(std::span<const entry> ents) const;

  /// Entries in [lo, hi) up to max_bytes of data (at least one).
  storage_result<std::vector<entry>> slice(index_t lo, index_t hi, std::size_t max_bytes) const;

  /// §5.4.1: the candidate's log (last_index, last_term) is at least as
  /// up-to-date as ours.
  bool is_up_to_date(index_t last_index, term_t last_term) const;

  index_t committed() const { return committed_; }
  index_t applied() const { return applied_; }
  void commit_to(index_t i);
  void applied_to(index_t i);
  /// Committed entries not handed out yet: (applying, committed].
  bool has_next_committed() const;
  storage_result<std::vector<entry>> next_committed(std::size_t max_bytes);

  const unstable& pending() const { return unstable_; }
  void stable_to(index_t i, term_t t) { unstable_.stable_to(i, t); }
  void stable_snapshot_to(index_t i) { unstable_.stable_snapshot_to(i); }
  /// The log restarts after `meta`; everything up to it counts as committed.
  void restore(const snapshot_metadata& meta);
  /// The snapshot the log starts after (unstable first).
  snapshot_metadata snapshot() const;

private:
  const storage* storage_;
  unstable unstable_;
  index_t committed_ = 0;
  index_t applied_ = 0;
  index_t applying_ = 0; // handed out in a ready, not yet acknowledged
};

} // namespace mosaik::raft
