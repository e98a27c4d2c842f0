#pragma once
// Encode and decode the link envelope (schemas/frame.capnp).

#include "actors/core/expected.hpp"
#include "actors/core/wire/frame.hpp"
#include "schemas/codec/decode.hpp"

namespace mosaik::codec {

bytes encode_frame(const wire::frame& f);

/// Never throws. Applies limits.max_bytes before parsing and
/// limits.max_control_bytes to control kinds.
expected<wire::frame, decode_error> decode_frame(byte_view data,
                                                 const decode_limits& limits = {});

} // namespace mosaik::codec
