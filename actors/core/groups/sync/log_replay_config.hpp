#pragma once
// The knobs of state sync by log replay (FEATURES 7.2, with our bounds).

#include "actors/core/groups/messages.hpp"
#include "actors/core/groups/time.hpp"

#include <cstddef>
#include <cstdint>

namespace mosaik::groups {

struct log_replay_config {
  /// Entries one fetch asks for (and a provider sends at most).
  std::size_t batch_size = 2000;
  /// Bytes of entry data a provider sends in one response at most.
  std::size_t max_batch_bytes = 4u << 20;
  /// A fetch unanswered this long goes to another peer.
  millis fetch_timeout{5000};
  /// Entries a session holds or has asked for at once, out of order.
  std::size_t max_held_entries = 16000;
  /// Bytes of entry data a session holds out of order before it asks for
  /// more (in flight on top: one response per peer, max_batch_bytes each).
  std::size_t max_held_bytes = 64u << 20;
  /// A follower starts a session when the leader's commit index is more
  /// than this many entries past its last one (smaller gaps are Raft's).
  std::uint64_t min_gap = 64;
};

} // namespace mosaik::groups
