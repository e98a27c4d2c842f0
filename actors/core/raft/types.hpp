#pragma once
// Value types of the Raft core, shared by the core, its storage
// implementations (actors/core/raft/memory_storage, persistence/) and codecs.

#include "actors/core/bytes.hpp"
#include "actors/core/ids/digest.hpp"
#include "actors/core/ids/keys.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mosaik::raft {

using index_t = std::uint64_t;
using term_t = std::uint64_t;
/// Group members are nodes, named by their peer id.
using node_id = peer_id;

enum class entry_type : std::uint8_t {
  command = 0,       // an opaque state-machine command
  noop = 1,          // appended by each new leader at the start of its term
  config_change = 2, // data holds an encoded configuration change
};

struct entry {
  index_t index = 0;
  term_t term = 0;
  entry_type type = entry_type::command;
  bytes data;

  friend bool operator==(const entry&, const entry&) = default;
};

/// What must be durable before any message that depends on it is sent.
struct hard_state {
  term_t term = 0;
  std::optional<node_id> vote;
  index_t commit = 0;

  friend bool operator==(const hard_state&, const hard_state&) = default;
};

/// Voters decide; learners replicate only. Both lists sorted, no duplicates,
/// disjoint.
struct configuration {
  std::vector<node_id> voters;
  std::vector<node_id> learners;
  /// Which bootstrap this group descends from: the hash of its first log
  /// entry. Zero until the node holds any of the group's log. Kept here (and
  /// so in snapshot_metadata) because it must outlive the compaction of that
  /// entry; two groups that bootstrapped apart differ in it.
  digest lineage;

  friend bool operator==(const configuration&, const configuration&) = default;
};

/// The position a snapshot covers: every entry up to and including `index`
/// is in it, and `config` is the configuration in force at `index`.
struct snapshot_metadata {
  index_t index = 0;
  term_t term = 0;
  configuration config;

  friend bool operator==(const snapshot_metadata&, const snapshot_metadata&) = default;
};

} // namespace mosaik::raft
