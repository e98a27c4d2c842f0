#pragma once
// Fewer, larger messages out of one ready: while a group's write is on
// disk its core keeps stepping, so a leader's ready can hold one append per
// proposal for each follower, and a follower's one answer per append.
// coalesce() merges, per receiver, a message into the last one queued for
// that receiver when receiving both in turn is the same as receiving the
// merged one:
//  - an append that continues the previous append (its prev_index and
//    prev_term are that append's last entry), in the same term: the
//    entries are joined and the later commit index kept, up to `max_bytes`
//    of entries per message (no frame grows past the Raft flow control);
//  - a successful append answer after a successful one in the same term:
//    the higher index says all the lower one did;
//  - a forwarded proposal after a forwarded proposal (or a batch of them):
//    they join into one forward_proposal_batch, received as each in turn,
//    up to max_batch proposals and `max_bytes` of commands; answers to
//    forwarded proposals likewise into a proposal_response_batch. A
//    follower whose write is on disk gathers its clients' proposals in one
//    ready, and a leader its answers to them.
// Everything else keeps its place. Messages to one receiver keep their
// order, but for one freedom: an append or an answer to one (replication)
// may pass a forward or an answer to one (forwards), and the other way
// round, so that a leader's ready for the follower whose clients forwarded
// (append, answer, append, answer, ...) leaves as one append and one batch
// of answers. Raft's safety holds under any delivery order, and neither
// lane needs its place against the other: a forward is stepped apart from
// the term rules (the leader of its term appends it at the end of its log;
// anyone else answers not_leader or unknown, true whenever it arrives), and
// an answer's (index, term) settles the proposal whether it arrives before
// or after that entry commits (raft_client.cpp, resolve_proposals), as it
// would if the network delayed it. Any other message passes nothing and
// nothing passes it.

#include "actors/core/raft/message.hpp"

#include <cstddef>
#include <vector>

namespace mosaik::raft {

std::vector<message> coalesce(std::vector<message> messages, std::size_t max_bytes);

} // namespace mosaik::raft
