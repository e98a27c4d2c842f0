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
//    the higher index says all the lower one did.
// Everything else keeps its place; messages to one receiver keep their
// order.

#include "actors/core/raft/message.hpp"

#include <cstddef>
#include <vector>

namespace mosaik::raft {

std::vector<message> coalesce(std::vector<message> messages, std::size_t max_bytes);

} // namespace mosaik::raft
