// libFuzzer target: the Raft wire codec (messages, entries, snapshot
// metadata). Whatever decodes must survive our own encoder unchanged.
#include "schemas/codec/raft_codec.hpp"

#include "tests/fuzz/round_trip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mosaik;
  using fuzz::round_trip;
  byte_view input{data, size};
  auto decode_message = [](byte_view b) { return codec::decode_raft_message(b); };
  auto decode_entry = [](byte_view b) { return codec::decode_entry(b); };
  auto decode_meta = [](byte_view b) { return codec::decode_snapshot_metadata(b); };
  round_trip(decode_message(input), codec::encode_raft_message, decode_message);
  round_trip(decode_entry(input), codec::encode_entry, decode_entry);
  round_trip(decode_meta(input), codec::encode_snapshot_metadata, decode_meta);
  return 0;
}
