#pragma once
// Encode and decode a node's status (schemas/status.capnp).

#include "actors/core/expected.hpp"
#include "actors/core/wire/status.hpp"
#include "schemas/codec/decode.hpp"

namespace mosaik::codec {

inline constexpr std::size_t max_status_peers = 4096;
inline constexpr std::size_t max_status_counters = 1024;
inline constexpr std::size_t max_status_tags = 1024;
inline constexpr std::size_t max_status_text_bytes = 255;
inline constexpr std::size_t max_status_catalog = 4096;
inline constexpr std::size_t max_status_catalog_addresses = 64;
inline constexpr std::size_t max_status_groups = 1024;
inline constexpr std::size_t max_status_group_bonds = 1024;
inline constexpr std::size_t max_status_streams = 1024;
inline constexpr std::size_t max_status_stream_channels = 1024;

bytes encode_status(const wire::node_status& s);

/// Never throws; bounded list lengths and text sizes, 32-byte ids, group
/// roles from wire::group_roles, each group's bonds sorted and unique.
expected<wire::node_status, decode_error> decode_status(byte_view data,
                                                        const decode_limits& limits = {});

} // namespace mosaik::codec
