#include "schemas/codec/frame_codec.hpp"

#include "schemas/codec/message_reader.hpp"
#include "schemas/frame.capnp.h"

namespace mosaik::codec {

bytes encode_frame(const wire::frame& f) {
  // A first segment that fits the payload keeps the message in one segment.
  capnp::MallocMessageBuilder builder(
    static_cast<unsigned>(f.payload.size() / sizeof(capnp::word) + 16));
  auto root = builder.initRoot<schema::Frame>();
  root.setKind(static_cast<schema::FrameKind>(f.kind));
  root.setSequence(f.sequence);
  root.setPayload(kj::arrayPtr(f.payload.data(), f.payload.size()));
  return detail::to_bytes(builder);
}

expected<wire::frame, decode_error> decode_frame(byte_view data, const decode_limits& limits) {
  using result = expected<wire::frame, decode_error>;
  return detail::read_message<schema::Frame, wire::frame>(
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
      auto payload = r.getPayload();
      return wire::frame{kind, r.getSequence(), bytes(payload.begin(), payload.end())};
    });
}

} // namespace mosaik::codec
