#pragma once
// The messages Raft nodes exchange, as plain values. schemas/raft.capnp and
// schemas/codec/raft_codec convert them for the wire.

#include "actors/core/ids/digest.hpp"
#include "actors/core/raft/types.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

namespace mosaik::raft {

/// Leader -> follower: entries after (prev_index, prev_term) (§5.3).
struct append_request {
  index_t prev_index = 0;
  term_t prev_term = 0;
  std::vector<entry> entries;
  index_t commit = 0;
  friend bool operator==(const append_request&, const append_request&) = default;
};

/// Follower -> leader. On success `index` is the last index known to match;
/// on reject it is the rejected prev_index and `hint` the follower's last
/// index, so the leader can skip back at once.
struct append_response {
  index_t index = 0;
  bool reject = false;
  index_t hint = 0;
  bool observer = false; // the sender is an observer (never to be promoted)
  friend bool operator==(const append_response&, const append_response&) = default;
};

/// Leader -> follower: liveness, commit index (never beyond the follower's
/// match) and the ReadIndex round the leader is confirming.
struct heartbeat_request {
  index_t commit = 0;
  std::uint64_t read_seq = 0;
  friend bool operator==(const heartbeat_request&, const heartbeat_request&) = default;
};

struct heartbeat_response {
  std::uint64_t read_seq = 0;
  bool observer = false;
  friend bool operator==(const heartbeat_response&, const heartbeat_response&) = default;
};

/// Candidate -> voters, for a real vote or a pre-vote (§5.2, §9.6 of the
/// dissertation). The message term is the term the vote is for.
struct vote_request {
  bool pre_vote = false;
  index_t last_index = 0;
  term_t last_term = 0;
  friend bool operator==(const vote_request&, const vote_request&) = default;
};

struct vote_response {
  bool pre_vote = false;
  bool granted = false;
  friend bool operator==(const vote_response&, const vote_response&) = default;
};

/// Leader -> follower: the entries you need are compacted; fetch the state
/// at `meta` through state sync and install it.
struct snapshot_request {
  snapshot_metadata meta;
  friend bool operator==(const snapshot_request&, const snapshot_request&) = default;
};

/// Follower -> leader: append this command for me. Forwarded messages carry
/// no message term and are never filtered by term; `term` names the leader
/// term the proposal is meant for: only the leader of exactly that term
/// appends it.
struct forward_proposal {
  std::uint64_t id = 0;
  term_t term = 0;
  bytes command;
  friend bool operator==(const forward_proposal&, const forward_proposal&) = default;
};

enum class forward_answer : std::uint8_t {
  accepted,   // appended at (index, term)
  not_leader, // definite: the receiver never led that term, so never appended it
  unknown,    // the receiver may have appended it while it led that term
};

/// Leader -> follower: what became of a forwarded proposal.
struct proposal_response {
  std::uint64_t id = 0;
  forward_answer answer = forward_answer::not_leader;
  index_t index = 0;
  term_t term = 0;
  friend bool operator==(const proposal_response&, const proposal_response&) = default;
};

/// Most proposals or answers one batch carries (coalesce.hpp makes them;
/// the codec refuses larger ones).
inline constexpr std::size_t max_batch = 4096;

/// Follower -> leader: several forwarded proposals in one message (see
/// coalesce.hpp). Received as each of them in turn, in this order.
struct forward_proposal_batch {
  std::vector<forward_proposal> proposals;
  friend bool operator==(const forward_proposal_batch&, const forward_proposal_batch&) = default;
};

/// Leader -> follower: several answers in one message, received as each of
/// them in turn.
struct proposal_response_batch {
  std::vector<proposal_response> responses;
  friend bool operator==(const proposal_response_batch&, const proposal_response_batch&) = default;
};

/// Follower -> leader: confirm leadership and tell me the read index.
struct forward_read {
  std::uint64_t id = 0;
  friend bool operator==(const forward_read&, const forward_read&) = default;
};

struct read_response {
  std::uint64_t id = 0;
  bool ok = false;
  index_t index = 0;
  friend bool operator==(const read_response&, const read_response&) = default;
};

using message_body =
  std::variant<append_request, append_response, heartbeat_request, heartbeat_response,
               vote_request, vote_response, snapshot_request, forward_proposal,
               proposal_response, forward_read, read_response, forward_proposal_batch,
               proposal_response_batch>;

struct message {
  node_id from;
  node_id to;
  term_t term = 0;  // 0 on forwarded proposals and reads and their answers
  digest lineage;   // the sender's group lineage; zero while it has none
  message_body body;
  friend bool operator==(const message&, const message&) = default;
};

/// Short name of the body's kind, for logs and traces.
std::string_view kind_name(const message& m);

/// Forwarded proposals and reads and their answers, single or batched.
bool is_forward(const message& m);

} // namespace mosaik::raft
