#pragma once
// Configuration of one Raft node. Durations are given in time (defaults as
// the original mosaik) and converted to ticks by the caller, which decides
// how long a tick is: `ticks_for(timeouts, tick)`.

#include "actors/core/raft/log_sink.hpp"
#include "actors/core/raft/types.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace mosaik::raft {

/// How eager a node is to lead (FEATURES 6.5).
struct leadership {
  enum class kind : std::uint8_t {
    normal,    // campaigns after the election timeout
    reluctant, // campaigns after the election timeout times `factor`
    observer,  // a permanent learner: never votes, never leads
  };
  kind preference = kind::normal;
  std::uint32_t factor = 1;

  static leadership normal() { return {}; }
  static leadership reluctant(std::uint32_t factor = 3) { return {kind::reluctant, factor}; }
  static leadership observer() { return {kind::observer, 1}; }
  bool is_observer() const { return preference == kind::observer; }
  bool is_reluctant() const { return preference == kind::reluctant; }
};

/// Protocol timing in time units; defaults are the original's.
struct timeouts {
  std::chrono::milliseconds heartbeat{500};
  std::chrono::milliseconds election{2000};
  std::chrono::milliseconds election_jitter{500};
  std::chrono::milliseconds bootstrap_delay{3000};
  /// A member silent this long is removed (if a majority agrees).
  std::chrono::milliseconds member_timeout{30000};
  /// A follower waits this long for the leader to acknowledge a forwarded
  /// proposal or read before reporting a timeout.
  std::chrono::milliseconds forward_timeout{2000};
};

/// The same timing in ticks, as the core counts it.
struct tick_timeouts {
  std::uint32_t heartbeat = 5;
  std::uint32_t election = 20;
  std::uint32_t election_jitter = 5;
  std::uint32_t bootstrap_delay = 30;
  std::uint32_t member_timeout = 300;
  std::uint32_t forward_timeout = 20;
};

/// Rounds each duration up to whole ticks (at least one).
tick_timeouts ticks_for(const timeouts& t, std::chrono::milliseconds tick);

/// Known mistakes the tests switch on (raft_sim --inject-bug, unit tests) to
/// prove their checkers bite. Test-only: never set in a real node.
struct injected_bugs {
  bool commit_previous_term = false; // count replicas for old-term entries; no leader no-op
  bool stale_read = false;           // serve ReadIndex without confirming leadership
  bool connected_quorum = false;     // majority of recently heard voters, not of all voters
  bool restore_matching_snapshot = false; // a late snapshot the log holds still cuts it off
  /// raw_node leaves a vote granted without a term change out of the
  /// ready's hard state: it is never persisted, so a restart forgets it.
  bool forget_vote_on_restart = false;
  bool endless_ready = false;        // raw_node::has_ready() never turns false
};

struct config {
  node_id id;
  tick_timeouts ticks;
  leadership preference;
  /// The first election waits until this many non-observer peers (self
  /// included) are known (Consul's bootstrap_expect).
  std::size_t min_voters = 1;
  /// Caught-up learners are promoted while the voters are fewer.
  std::size_t max_voters = 7;
  bool pre_vote = true;
  bool check_quorum = true;
  /// Upper bound of entry data in one append message (at least one entry).
  std::size_t max_append_bytes = 1u << 20;
  /// Append messages in flight per follower in the replicate state.
  std::size_t max_inflight = 64;
  /// Upper bound of committed entry data handed out in one ready.
  std::size_t max_apply_bytes = 4u << 20;
  /// Proposals and reads this node waits on at once; more are dropped.
  std::size_t max_pending = 4096;
  std::uint64_t rng_seed = 0;
  log_sink* sink = nullptr;
  injected_bugs bugs;
};

} // namespace mosaik::raft
