#pragma once
// Internal to schemas/codec: the one encoding and check of a RaftMessage and
// an Entry (raft.capnp), defined in raft_codec.cpp and shared with every
// codec that embeds them (groups_codec: bond and sync messages).

#include "actors/core/raft/message.hpp"
#include "actors/core/raft/types.hpp"
#include "schemas/codec/message_reader.hpp"
#include "schemas/raft.capnp.h"

namespace mosaik::codec {

void write_raft_entry(schema::Entry::Builder b, const raft::entry& e);
void write_raft_message(schema::RaftMessage::Builder b, const raft::message& m);

/// The entry, or why not: an unknown type, index 0.
expected<raft::entry, decode_error> read_raft_entry(schema::Entry::Reader r);
/// The message with every check decode_raft_message applies (raft_codec.hpp).
expected<raft::message, decode_error> read_raft_message(schema::RaftMessage::Reader r);

} // namespace mosaik::codec
