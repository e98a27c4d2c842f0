#pragma once
// Encode and decode the link envelope (schemas/frame.capnp).

#include "actors/core/expected.hpp"
#include "actors/core/wire/frame.hpp"
#include "schemas/codec/decode.hpp"

#include <array>

namespace mosaik::codec {

bytes encode_frame(const wire::frame& f);

/// The encoding of a frame around its payload, so a caller can write it
/// into its own buffer without an intermediate copy: head, then the payload,
/// then tail (the payload's padding and the channel).
struct frame_envelope {
  std::array<std::uint8_t, 48> head{};
  std::array<std::uint8_t, 7 + digest::size> tail_bytes{};
  std::size_t tail_size = 0;
  std::size_t payload_size = 0;

  byte_view tail() const { return {tail_bytes.data(), tail_size}; }
  /// The size of the whole encoding.
  std::size_t size() const { return head.size() + payload_size + tail_size; }
};

frame_envelope envelope_of(const wire::frame& f);

/// Never throws. Applies limits.max_bytes before parsing and
/// limits.max_control_bytes to control kinds.
expected<wire::frame, decode_error> decode_frame(byte_view data,
                                                 const decode_limits& limits = {});

/// The same, taking the encoding: the payload is moved to the front of
/// `data`, which becomes the frame's payload (no copy into a new buffer).
expected<wire::frame, decode_error> decode_frame_in_place(bytes&& data,
                                                          const decode_limits& limits = {});

} // namespace mosaik::codec
