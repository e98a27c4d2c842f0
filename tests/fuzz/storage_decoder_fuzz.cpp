// libFuzzer target: the durable records of the Raft log (entries, hard
// state, configuration, snapshot metadata and chunks). Whatever decodes,
// checksum included, must survive our own encoder unchanged.
#include "schemas/codec/storage_codec.hpp"

#include "tests/fuzz/round_trip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mosaik;
  using fuzz::round_trip;
  byte_view input{data, size};
  auto entry = [](byte_view b) { return codec::decode_stored_entry(b); };
  auto hard = [](byte_view b) { return codec::decode_hard_state(b); };
  auto config = [](byte_view b) { return codec::decode_configuration(b); };
  auto meta = [](byte_view b) { return codec::decode_stored_snapshot_metadata(b); };
  auto chunk = [](byte_view b) { return codec::decode_snapshot_chunk(b); };
  round_trip(entry(input), codec::encode_stored_entry, entry);
  round_trip(hard(input), codec::encode_hard_state, hard);
  round_trip(config(input), codec::encode_configuration, config);
  round_trip(meta(input), codec::encode_stored_snapshot_metadata, meta);
  round_trip(chunk(input), codec::encode_snapshot_chunk, chunk);
  return 0;
}
