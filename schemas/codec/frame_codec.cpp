#include "schemas/codec/frame_codec.hpp"

#include "schemas/codec/message_reader.hpp"
#include "schemas/frame.capnp.h"

#include "actors/core/check.hpp"

#include <algorithm>
#include <cstring>

namespace mosaik::codec {

namespace {

void put_u32(std::uint8_t* out, std::uint32_t x) {
  for (int i = 0; i < 4; ++i)
    out[i] = static_cast<std::uint8_t>(x >> (8 * i));
}

void put_u64(std::uint8_t* out, std::uint64_t x) {
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<std::uint8_t>(x >> (8 * i));
}

} // namespace

// The hot path of every link, so the flat encoding of schema::Frame is
// written directly instead of through a MallocMessageBuilder (zeroed
// segment, payload copy, flat-array copy), and around the payload, so the
// caller copies it once, into the buffer it writes. The layout is Cap'n
// Proto's for a single-segment message:
//   segment table  u32 segment count - 1 (= 0), u32 segment size in words
//   word 0         root struct pointer: offset 0, 2 data words, 2 pointers
//   word 1         kind (u16), rest zero
//   word 2         sequence (u64)
//   word 3         list pointer to the payload: offset 1, byte elements, count
//   word 4         list pointer to the channel (offset: the payload's words), or null
//   word 5...      payload, zero-padded to a whole word, then the 32-byte channel
// decode_frame reads it with the ordinary Cap'n Proto reader;
// tests/unit/frame_codec_test.cpp checks both ways.
frame_envelope envelope_of(const wire::frame& f) {
  constexpr std::size_t word = sizeof(capnp::word);
  constexpr std::uint64_t byte_list = std::uint64_t{2} << 32;
  auto payload_words = (f.payload.size() + word - 1) / word;
  auto channel_words = f.channel ? digest::size / word : 0;
  auto segment_words = 5 + payload_words + channel_words;
  frame_envelope e;
  static_assert(std::tuple_size_v<decltype(e.head)> == 6 * word);
  auto* p = e.head.data();
  put_u32(p, 0);
  put_u32(p + 4, static_cast<std::uint32_t>(segment_words));
  p += word;
  put_u64(p, (std::uint64_t{2} << 48) | (std::uint64_t{2} << 32)); // struct, offset 0
  put_u64(p + word, static_cast<std::uint16_t>(f.kind));
  put_u64(p + 2 * word, f.sequence);
  put_u64(p + 3 * word, (static_cast<std::uint64_t>(f.payload.size()) << 35) | byte_list | (1 << 2) | 1);
  if (f.channel)
    put_u64(p + 4 * word, (std::uint64_t{digest::size} << 35) | byte_list | (payload_words << 2) | 1);
  e.payload_size = f.payload.size();
  e.tail_size = payload_words * word - f.payload.size(); // zero padding
  if (f.channel) {
    std::copy(f.channel->raw().begin(), f.channel->raw().end(), e.tail_bytes.begin() + e.tail_size);
    e.tail_size += digest::size;
  }
  return e;
}

bytes encode_frame(const wire::frame& f) {
  auto e = envelope_of(f);
  bytes out(e.size());
  auto at = std::copy(e.head.begin(), e.head.end(), out.begin());
  at = std::copy(f.payload.begin(), f.payload.end(), at);
  std::copy(e.tail().begin(), e.tail().end(), at);
  return out;
}

namespace {

/// A decoded frame whose payload is copied out, or still in the encoding at
/// payload_offset.
struct frame_at {
  wire::frame frame;
  std::size_t payload_offset = 0;
  std::size_t payload_size = 0;
};

expected<frame_at, decode_error> read_frame(byte_view data, const decode_limits& limits,
                                            bool copy_payload) {
  using result = expected<frame_at, decode_error>;
  return detail::read_message<schema::Frame, frame_at>(
    data, limits.max_bytes, limits, [&](schema::Frame::Reader r) -> result {
      auto raw_kind = static_cast<std::uint16_t>(r.getKind());
      if (raw_kind >= wire::frame_kind_count)
        return unexpected{decode_error{decode_errc::unknown_kind,
                                       "frame kind " + std::to_string(raw_kind)}};
      auto kind = static_cast<wire::frame_kind>(raw_kind);
      if (wire::is_control(kind) && data.size() > limits.max_control_bytes)
        return unexpected{decode_error{decode_errc::too_large,
                                       std::string{wire::to_string(kind)} + " frame of "
                                         + std::to_string(data.size())
                                         + " bytes exceeds the control cap"}};
      wire::channel channel;
      if (r.hasChannel()) {
        auto raw = r.getChannel();
        channel = digest::from_bytes({raw.begin(), raw.size()});
        if (!channel)
          return unexpected{decode_error{decode_errc::bad_field,
                                         "channel of " + std::to_string(raw.size()) + " bytes"}};
      }
      auto payload = r.getPayload();
      frame_at out{{kind, r.getSequence(), {}, channel}, 0, payload.size()};
      // An empty payload (a null pointer among them) may point anywhere.
      if (copy_payload)
        out.frame.payload.assign(payload.begin(), payload.end());
      else if (payload.size() > 0)
        out.payload_offset = static_cast<std::size_t>(payload.begin() - data.data());
      return out;
    });
}

} // namespace

expected<wire::frame, decode_error> decode_frame(byte_view data, const decode_limits& limits) {
  auto f = read_frame(data, limits, true);
  if (!f)
    return unexpected{std::move(f.error())};
  return std::move(f->frame);
}

expected<wire::frame, decode_error> decode_frame_in_place(bytes&& data, const decode_limits& limits) {
  // Unaligned bytes are read from an aligned copy (message_reader.hpp), so
  // the payload is not in `data` then: take the copying way.
  if (reinterpret_cast<std::uintptr_t>(data.data()) % alignof(capnp::word) != 0)
    return decode_frame(byte_view{data}, limits);
  auto f = read_frame(data, limits, false);
  if (!f)
    return unexpected{std::move(f.error())};
  MOSAIK_CHECK(f->payload_offset + f->payload_size <= data.size(), "payload at ", f->payload_offset,
               " of ", f->payload_size, " bytes outside a frame of ", data.size());
  std::memmove(data.data(), data.data() + f->payload_offset, f->payload_size);
  data.resize(f->payload_size);
  f->frame.payload = std::move(data);
  return std::move(f->frame);
}

} // namespace mosaik::codec
