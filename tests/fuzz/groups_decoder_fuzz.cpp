// libFuzzer target: the groups wire codec (bond and state-sync messages).
// Whatever decodes must survive our own encoder unchanged.
#include "schemas/codec/groups_codec.hpp"

#include "tests/fuzz/round_trip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mosaik;
  using fuzz::round_trip;
  byte_view input{data, size};
  auto decode_bond = [](byte_view b) { return codec::decode_bond_message(b); };
  auto decode_sync = [](byte_view b) { return codec::decode_sync_message(b); };
  round_trip(decode_bond(input), codec::encode_bond_message, decode_bond);
  round_trip(decode_sync(input), codec::encode_sync_message, decode_sync);
  return 0;
}
