#pragma once
// Encode and decode what a consumer and a producer of one stream say to each
// other (schemas/streams.capnp), the payload of frames of kind `stream`.
// Decoders never throw and check every field: ids are 32 bytes, sequence
// numbers start at 1, a batch holds 1 to max_batch_datums datums of at most
// max_datum_bytes each and its numbers do not overflow, a credit grants at
// least one datum, close codes are known and details bounded.

#include "actors/core/expected.hpp"
#include "actors/core/streams/messages.hpp"
#include "schemas/codec/decode.hpp"

namespace mosaik::codec {

bytes encode_stream_message(const streams::stream_message& m);
expected<streams::stream_message, decode_error>
decode_stream_message(byte_view data, const decode_limits& limits = {});

} // namespace mosaik::codec
