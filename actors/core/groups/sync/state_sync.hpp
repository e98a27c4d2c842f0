#pragma once
// The state-sync framework of groups (DESIGN section 6, FEATURES 7.1): how a
// lagging follower catches up. A strategy makes two companions that talk
// through the group's bonds in frames of kind `sync`:
//  - a long-lived `sync_provider` on every member (leader included) serves
//    what it holds to sessions on other members;
//  - a short-lived `sync_session` on a lagging follower drives one catch-up
//    episode and hands what it fetched to the engine, which lets it enter
//    through the Raft core only.
// Log replay (log_replay_*.hpp) is the strategy of custom machines; a
// snapshot strategy (the collections issue) adds a provider that offers
// snapshots and a session whose output installs one beside `batches`.
//
// Pure: no clock (time comes in as `now`), no I/O; messages to send come
// out in `sync_output` and the caller sends them on established bonds.

#include "actors/core/groups/messages.hpp"
#include "actors/core/groups/time.hpp"
#include "actors/core/ids/keys.hpp"
#include "actors/core/raft/types.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace mosaik::groups {

struct sync_send {
  peer_id to;
  sync_message msg;
};

/// What a provider reads: the local log, every entry of which is durable
/// when it is asked (the engine answers between ready loops).
class sync_log {
public:
  virtual ~sync_log() = default;
  virtual raft::index_t first_index() const = 0;
  virtual raft::index_t committed() const = 0;
  /// Term of a held entry (0 for index 0), nullopt when not held.
  virtual std::optional<raft::term_t> term(raft::index_t i) const = 0;
  /// Entries first..last (inclusive) that are held, from `first` on,
  /// stopping before max_bytes of data are exceeded (at least one).
  virtual std::vector<raft::entry> entries(raft::index_t first, raft::index_t last,
                                           std::size_t max_bytes) const = 0;
};

class sync_provider {
public:
  virtual ~sync_provider() = default;
  /// Answers a request from `from` into `out`; false when the message is
  /// not a provider's (a session's answer).
  virtual bool receive(const peer_id& from, const sync_message& m, const sync_log& log,
                       std::vector<sync_send>& out) = 0;
};

/// A position of the leader's log it announced: the entry at `index` has
/// `term`, and it is committed.
struct log_anchor {
  raft::index_t index = 0;
  raft::term_t term = 0;
  friend bool operator==(const log_anchor&, const log_anchor&) = default;
};

struct sync_output {
  std::vector<sync_send> messages;
  /// Verified committed entries, consecutive, in log order from the local
  /// commit index on; each handed out once.
  std::vector<std::vector<raft::entry>> batches;
};

/// A session's counters (the group's metrics read them).
struct sync_stats {
  std::uint64_t entries_fetched = 0;
  std::uint64_t entries_from_leader = 0;
  std::uint64_t fetches = 0;
  std::uint64_t fetch_timeouts = 0;
  std::uint64_t batches_rejected = 0;
  std::uint64_t entries_handed_out = 0;
};

class sync_session {
public:
  virtual ~sync_session() = default;
  /// A session message from `from` (availability or fetch answers).
  virtual void receive(const peer_id& from, const sync_message& m, millis now) = 0;
  /// The leader announced a newer committed position meanwhile.
  virtual void leader_anchor(const log_anchor& a) = 0;
  virtual void bond_up(const peer_id& peer) = 0;
  virtual void bond_down(const peer_id& peer) = 0;
  /// The local commit index and the term of that entry (after every ready
  /// loop).
  virtual void committed(raft::index_t commit, raft::term_t term) = 0;
  virtual void tick(millis now) = 0;
  virtual sync_output take_output() = 0;
  /// Caught up: nothing left to fetch.
  virtual bool done() const = 0;
  virtual const sync_stats& stats() const = 0;
};

} // namespace mosaik::groups
