#pragma once
// Shared by the decoder fuzz targets: whatever decodes must survive our own
// encoder unchanged, or the target aborts (libFuzzer reports the input).

#include "actors/core/expected.hpp"
#include "schemas/codec/decode.hpp"

#include <cstdlib>

namespace mosaik::fuzz {

template <class T, class Encode, class Decode>
void round_trip(const expected<T, codec::decode_error>& decoded, Encode encode, Decode decode) {
  if (!decoded)
    return;
  auto again = decode(encode(*decoded));
  if (!again || !(*again == *decoded))
    std::abort();
}

} // namespace mosaik::fuzz
