#pragma once
// One group's share of a group commit (node_store::commit).

#include "actors/core/raft/types.hpp"

#include <optional>
#include <span>

namespace mosaik::persistence {

class group_log_store;

struct group_write {
  group_log_store* store = nullptr;
  /// Appended as by log_store::append (a conflicting suffix is replaced).
  std::span<const raft::entry> entries;
  /// Saved after the entries, when set.
  std::optional<raft::hard_state> hard_state;
};

} // namespace mosaik::persistence
