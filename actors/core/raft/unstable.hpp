#pragma once
// Entries (and at most one snapshot) the core holds that the caller has not
// persisted yet; they move to storage when the caller acknowledges a ready
// (after etcd-io/raft's log_unstable.go).

#include "actors/core/raft/types.hpp"

#include <optional>
#include <span>
#include <vector>

namespace mosaik::raft {

class unstable {
public:
  explicit unstable(index_t offset = 1) : offset_(offset) {}

  std::optional<index_t> maybe_first_index() const;
  std::optional<index_t> maybe_last_index() const;
  std::optional<term_t> maybe_term(index_t i) const;

  /// The caller persisted entries up to (i, t): drop them from here.
  void stable_to(index_t i, term_t t);
  void stable_snapshot_to(index_t i);
  /// The log restarts after a snapshot.
  void restore(const snapshot_metadata& meta);
  /// Appends, replacing any entries at or after the first new index.
  void truncate_and_append(std::span<const entry> ents);
  /// Entries in [lo, hi); both within offset()..last+1.
  std::vector<entry> slice(index_t lo, index_t hi) const;

  index_t offset() const { return offset_; }
  const std::vector<entry>& entries() const { return entries_; }
  const std::optional<snapshot_metadata>& snapshot() const { return snapshot_; }

private:
  std::optional<snapshot_metadata> snapshot_;
  std::vector<entry> entries_;
  index_t offset_; // index of entries_[0]
};

} // namespace mosaik::raft
