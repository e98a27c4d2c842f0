#include "actors/transport/frame_msg.hpp"

#include "schemas/codec/frame_codec.hpp"

namespace mosaik::transport {

frame_msg to_msg(const wire::frame& f) {
  auto encoded = codec::encode_frame(f);
  frame_msg m;
  m.bytes.assign(reinterpret_cast<const char*>(encoded.data()),
                 reinterpret_cast<const char*>(encoded.data() + encoded.size()));
  return m;
}

} // namespace mosaik::transport
