// libFuzzer target: the link envelope (decoded as a view and in place) and
// the control messages it carries (handshake, status, peer hints). A status (its catalog and groups too) that
// decodes must survive our own encoder unchanged.
#include "schemas/codec/frame_codec.hpp"
#include "schemas/codec/handshake_codec.hpp"
#include "schemas/codec/peers_codec.hpp"
#include "schemas/codec/status_codec.hpp"

#include "tests/fuzz/round_trip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mosaik;
  byte_view input{data, size};
  auto decode_status = [](byte_view b) { return codec::decode_status(b); };
  auto frame = codec::decode_frame(input);
  // The node decodes in place (its record's buffer becomes the payload): it
  // must agree with decoding a view, on every input.
  auto in_place = codec::decode_frame_in_place(bytes(input.begin(), input.end()));
  if (frame.has_value() != in_place.has_value() || (frame && !(*frame == *in_place)))
    __builtin_trap();
  if (frame) {
    // Whatever decodes must survive our own encoder unchanged.
    auto again = codec::decode_frame(codec::encode_frame(*frame));
    if (!again || !(*again == *frame))
      __builtin_trap();
    switch (frame->kind) {
      case wire::frame_kind::hello: (void)codec::decode_hello(frame->payload); break;
      case wire::frame_kind::proof: (void)codec::decode_proof(frame->payload); break;
      case wire::frame_kind::close: (void)codec::decode_close(frame->payload); break;
      case wire::frame_kind::status:
        fuzz::round_trip(decode_status(frame->payload), codec::encode_status, decode_status);
        break;
      case wire::frame_kind::peers: (void)codec::decode_peer_hints(frame->payload); break;
      default: break;
    }
  }
  (void)codec::decode_hello(input);
  fuzz::round_trip(decode_status(input), codec::encode_status, decode_status);
  (void)codec::decode_peer_hints(input);
  return 0;
}
