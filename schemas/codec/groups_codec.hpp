#pragma once
// Encode and decode what members of a group say to each other
// (schemas/groups.capnp): bond messages (frames of kind `group`) and
// state-sync messages (frames of kind `sync`). Decoders never throw and check
// every field: ids are 32 bytes, close reasons are known, bonded lists are
// bounded and free of duplicates, close details are bounded, ranges start at
// 1 or later, fetched entries are bounded, consecutive and cover their range
// exactly, and an embedded Raft message passes every check of raft_codec.

#include "actors/core/expected.hpp"
#include "actors/core/groups/messages.hpp"
#include "schemas/codec/decode.hpp"

namespace mosaik::codec {

bytes encode_bond_message(const groups::bond_message& m);
expected<groups::bond_message, decode_error> decode_bond_message(byte_view data,
                                                                 const decode_limits& limits = {});

bytes encode_sync_message(const groups::sync_message& m);
expected<groups::sync_message, decode_error> decode_sync_message(byte_view data,
                                                                 const decode_limits& limits = {});

} // namespace mosaik::codec
