#pragma once
// What the core hands to its caller after inputs, and the caller's duties.
// Order (etcd-io/raft's contract): persist `snapshot`, `entries`,
// `hard_state` and `config` in one atomic write and make it durable; then
// send `messages`; then apply `committed_entries`; then act on the events;
// then call raw_node::advance().

#include "actors/core/raft/message.hpp"
#include "actors/core/raft/types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mosaik::raft {

enum class role : std::uint8_t { follower, pre_candidate, candidate, leader };

std::string_view to_string(role r);

/// Volatile state worth reporting when it changes.
struct soft_state {
  raft::role role = role::follower;
  std::optional<node_id> leader;
  term_t term = 0;
  friend bool operator==(const soft_state&, const soft_state&) = default;
};

enum class proposal_outcome : std::uint8_t {
  accepted,       // the leader assigned (index, term); not yet committed
  committed,      // exactly (index, term) is committed and in committed_entries
  no_leader,      // definite: no leader known, nothing was sent
  dropped,        // definite: the leader refused it or this node had no room
  leader_changed, // definite: another entry was committed at its index
  unknown,        // no (useful) answer from the leader: it may still commit
};

std::string_view to_string(proposal_outcome o);

struct proposal_event {
  std::uint64_t id = 0;
  proposal_outcome outcome = proposal_outcome::accepted;
  index_t index = 0;
  term_t term = 0;
  friend bool operator==(const proposal_event&, const proposal_event&) = default;
};

enum class read_outcome : std::uint8_t {
  ready,     // serve the read once the applied index reaches `index`
  no_leader, // no leader known
  dropped,   // the leader refused (it lost leadership) or no room
  timeout,   // the leader did not answer in time
};

std::string_view to_string(read_outcome o);

struct read_state {
  std::uint64_t id = 0;
  read_outcome outcome = read_outcome::ready;
  index_t index = 0;
  friend bool operator==(const read_state&, const read_state&) = default;
};

/// What raw_node::install_snapshot did with a position state sync fetched
/// (Figure 13, receiver steps 6 to 8).
enum class snapshot_install : std::uint8_t {
  refused,         // already committed at or past it: discard the fetched state
  advanced_commit, // the log holds its last entry: commit advanced, log kept;
                   // discard the fetched state, keep the own state machine
  restored,        // the log restarts after it: the next ready carries it as
                   // `snapshot`; the fetched state replaces the state machine
};

std::string_view to_string(snapshot_install s);

enum class raft_errc : std::uint8_t {
  split_bootstrap, // the peer belongs to a group that bootstrapped apart
  storage,         // the storage failed; the node stopped
};

struct raft_error {
  raft_errc code = raft_errc::storage;
  std::optional<node_id> peer;
  std::string detail;
};

struct ready {
  std::optional<soft_state> soft;
  /// Persist before sending: reset the log to this snapshot first.
  std::optional<snapshot_metadata> snapshot;
  /// Persist before sending: append, replacing any suffix from the first index.
  std::vector<entry> entries;
  /// Persist before sending when set.
  std::optional<hard_state> hard;
  /// The configuration at the end of the log, when it changed (persist).
  std::optional<configuration> config;
  /// Send after persisting.
  std::vector<message> messages;
  /// Apply in order after persisting.
  std::vector<entry> committed_entries;
  std::vector<read_state> reads;
  std::vector<proposal_event> proposals;
  /// The leader asks this node to install the state at this position: fetch
  /// it through state sync, then call raw_node::install_snapshot, whenever
  /// the fetch completes (the hand-off is specified there).
  std::optional<snapshot_metadata> snapshot_needed;
  std::vector<raft_error> errors;

  bool empty() const;
};

} // namespace mosaik::raft
