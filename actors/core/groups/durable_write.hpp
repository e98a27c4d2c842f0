#pragma once
// The durable part of one ready (raft/ready.hpp), owned: what a group hands
// to its node's writer (actors/groups/group_writer) while the ready itself
// waits in its engine for the write to become durable. Written in the
// ready's order: snapshot, entries, hard state, configuration.

#include "actors/core/raft/ready.hpp"
#include "actors/core/raft/types.hpp"

#include <optional>
#include <vector>

namespace mosaik::groups {

struct durable_write {
  std::optional<raft::snapshot_metadata> snapshot;
  std::vector<raft::entry> entries;
  std::optional<raft::hard_state> hard;
  std::optional<raft::configuration> config;

  bool empty() const { return !snapshot && entries.empty() && !hard && !config; }
};

durable_write durable_part(const raft::ready& rd);

} // namespace mosaik::groups
