#pragma once
// Encode and decode the Raft core's messages and records (schemas/raft.capnp).
// Decoders never throw and check every field: ids are 32 bytes, member lists
// are sorted, bounded and disjoint, appended entries are consecutive from
// prevIndex + 1, enums are known.

#include "actors/core/expected.hpp"
#include "actors/core/raft/message.hpp"
#include "actors/core/raft/types.hpp"
#include "schemas/codec/decode.hpp"

namespace mosaik::codec {

/// Upper bound of voters plus learners in a configuration.
inline constexpr std::size_t max_members = 1024;

bytes encode_raft_message(const raft::message& m);
expected<raft::message, decode_error> decode_raft_message(byte_view data,
                                                          const decode_limits& limits = {});

bytes encode_entry(const raft::entry& e);
expected<raft::entry, decode_error> decode_entry(byte_view data, const decode_limits& limits = {});

bytes encode_snapshot_metadata(const raft::snapshot_metadata& meta);
expected<raft::snapshot_metadata, decode_error>
decode_snapshot_metadata(byte_view data, const decode_limits& limits = {});

} // namespace mosaik::codec
