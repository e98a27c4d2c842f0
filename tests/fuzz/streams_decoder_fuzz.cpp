// libFuzzer target: the stream wire codec (subscription messages and
// batches). Whatever decodes must survive our own encoder unchanged.
#include "schemas/codec/streams_codec.hpp"

#include "tests/fuzz/round_trip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mosaik;
  auto decode = [](byte_view b) { return codec::decode_stream_message(b); };
  fuzz::round_trip(decode(byte_view{data, size}), codec::encode_stream_message, decode);
  return 0;
}
