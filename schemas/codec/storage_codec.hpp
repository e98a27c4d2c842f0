#pragma once
// Encode and decode the records of the durable Raft storage
// (schemas/storage.capnp). Encoders compute each record's CRC32C; decoders
// never throw, check every field and the checksum, and report a mismatch as
// decode_errc::checksum_mismatch.

#include "actors/core/expected.hpp"
#include "actors/core/raft/snapshot_chunk.hpp"
#include "actors/core/raft/types.hpp"
#include "schemas/codec/decode.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mosaik::codec {

/// Encodes log entries as stored records (the same bytes as
/// encode_stored_entry) without allocating per entry: the Cap'n Proto
/// segment and the output buffer are reused. This is the commit path of the
/// durable log, where encoding otherwise costs more than LMDB's own work for
/// a large batch.
class entry_encoder {
public:
  /// The stored record of `e`, with its CRC32C. Valid until the next call.
  byte_view encode(const raft::entry& e);

private:
  std::vector<std::uint64_t> segment_; // a zeroed first segment, reused
  bytes out_;
};

bytes encode_stored_entry(const raft::entry& e);
expected<raft::entry, decode_error> decode_stored_entry(byte_view data,
                                                        const decode_limits& limits = {});

bytes encode_hard_state(const raft::hard_state& hs);
expected<raft::hard_state, decode_error> decode_hard_state(byte_view data,
                                                           const decode_limits& limits = {});

bytes encode_configuration(const raft::configuration& config);
expected<raft::configuration, decode_error> decode_configuration(byte_view data,
                                                                 const decode_limits& limits = {});

bytes encode_stored_snapshot_metadata(const raft::snapshot_metadata& meta);
expected<raft::snapshot_metadata, decode_error>
decode_stored_snapshot_metadata(byte_view data, const decode_limits& limits = {});

bytes encode_snapshot_chunk(const raft::snapshot_chunk& chunk);
expected<raft::snapshot_chunk, decode_error> decode_snapshot_chunk(byte_view data,
                                                                   const decode_limits& limits = {});

/// Why `config` breaks the rules of raft::configuration (sorted lists, no
/// duplicates, disjoint), or nullopt when it keeps them. Decoders refuse
/// such a configuration, so writers check it before storing one.
std::optional<std::string> configuration_violation(const raft::configuration& config);

} // namespace mosaik::codec
