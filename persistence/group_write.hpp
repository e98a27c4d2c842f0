#pragma once
// One group's share of a group commit (node_store::commit).

#include "actors/core/raft/types.hpp"

#include <optional>
#include <span>

namespace mosaik::persistence {

class group_log_store;

/// Written in the order a ready asks (raft/ready.hpp): snapshot, entries,
/// hard state, configuration.
struct group_write {
  group_log_store* store = nullptr;
  /// Appended as by log_store::append (a conflicting suffix is replaced).
  std::span<const raft::entry> entries;
  /// Saved after the entries, when set.
  std::optional<raft::hard_state> hard_state;
  /// The log restarts after it before the entries are appended, when set
  /// (log_store::reset_to_snapshot).
  std::optional<raft::snapshot_metadata> snapshot = std::nullopt;
  /// Saved last, when set.
  std::optional<raft::configuration> config = std::nullopt;
};

} // namespace mosaik::persistence
