#include "actors/transport/frame_msg.hpp"

#include "schemas/codec/frame_codec.hpp"

namespace mosaik::transport {

frame_msg to_msg(const wire::frame& f) {
  return frame_msg{codec::encode_frame(f)};
}

} // namespace mosaik::transport
