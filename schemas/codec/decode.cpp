#include "schemas/codec/decode.hpp"
#include "schemas/codec/message_reader.hpp"

#include <kj/io.h>

namespace mosaik::codec {

std::string_view to_string(decode_errc code) {
  switch (code) {
    case decode_errc::too_large: return "too_large";
    case decode_errc::truncated: return "truncated";
    case decode_errc::malformed: return "malformed";
    case decode_errc::unknown_kind: return "unknown_kind";
    case decode_errc::bad_field: return "bad_field";
    case decode_errc::checksum_mismatch: return "checksum_mismatch";
  }
  return "unknown";
}

namespace detail {

bytes to_bytes(capnp::MessageBuilder& builder) {
  // Written straight into the result: one copy of the segments.
  bytes out(capnp::computeSerializedSizeInWords(builder) * sizeof(capnp::word));
  kj::ArrayOutputStream stream(kj::arrayPtr(out.data(), out.size()));
  capnp::writeMessage(stream, builder);
  return out;
}

} // namespace detail

} // namespace mosaik::codec
