#pragma once
// Encode and decode discovery messages (schemas/discovery.capnp). Decoding
// checks structure and bounds (id and signature lengths, list sizes against
// discovery::limits, duplicates, ages); it does not verify signatures or
// versions: the catalog does, so it can charge the sender with a typed reason.

#include "actors/core/discovery/limits.hpp"
#include "actors/core/discovery/messages.hpp"
#include "actors/core/expected.hpp"
#include "schemas/codec/decode.hpp"

namespace mosaik::codec {

/// Ages above this (about 35 years) are refused rather than clamped.
inline constexpr std::uint64_t max_age_ms = std::uint64_t{1} << 40;

bytes encode_discovery(const discovery::message& m);
expected<discovery::message, decode_error> decode_discovery(byte_view data,
                                                            const discovery::limits& lim = {},
                                                            const decode_limits& limits = {});

/// A single signed entry (for feeding entries by hand or from a file).
bytes encode_signed_entry(const discovery::signed_peer_entry& e);
expected<discovery::signed_peer_entry, decode_error>
decode_signed_entry(byte_view data, const discovery::limits& lim = {},
                    const decode_limits& limits = {});

} // namespace mosaik::codec
