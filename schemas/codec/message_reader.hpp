#pragma once
// Internal to schemas/codec: the one place where untrusted bytes become a
// Cap'n Proto reader. Checks the size cap first, copies to aligned memory
// when needed, applies ReaderOptions, and turns every kj::Exception thrown
// while the caller's function reads the message into a decode_error.

#include "actors/core/bytes.hpp"
#include "actors/core/expected.hpp"
#include "schemas/codec/decode.hpp"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/array.h>
#include <kj/exception.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>

namespace mosaik::codec::detail {

/// Calls `read(Root::Reader) -> expected<T, decode_error>` on the decoded
/// message. The reader is valid only inside `read`.
template <class Root, class T, class F>
expected<T, decode_error> read_message(byte_view data, std::size_t max_bytes,
                                       const decode_limits& limits, F&& read) {
  if (data.size() > max_bytes)
    return unexpected{decode_error{decode_errc::too_large,
                                   std::to_string(data.size()) + " bytes exceed the cap of "
                                     + std::to_string(max_bytes)}};
  if (data.empty() || data.size() % sizeof(capnp::word) != 0)
    return unexpected{decode_error{decode_errc::truncated,
                                   std::to_string(data.size())
                                     + " bytes is not a whole number of words"}};
  auto words_count = data.size() / sizeof(capnp::word);
  kj::Array<capnp::word> aligned;
  const capnp::word* words = reinterpret_cast<const capnp::word*>(data.data());
  if (reinterpret_cast<std::uintptr_t>(data.data()) % alignof(capnp::word) != 0) {
    aligned = kj::heapArray<capnp::word>(words_count);
    std::memcpy(aligned.begin(), data.data(), data.size());
    words = aligned.begin();
  }
  capnp::ReaderOptions options;
  options.traversalLimitInWords = std::max<std::uint64_t>(64, words_count * limits.traversal_factor);
  options.nestingLimit = limits.nesting_limit;
  try {
    capnp::FlatArrayMessageReader reader(kj::arrayPtr(words, words_count), options);
    if (reader.getOptions().traversalLimitInWords == 0)
      return unexpected{decode_error{decode_errc::malformed, "no traversal budget"}};
    return read(reader.getRoot<Root>());
  } catch (const kj::Exception& e) {
    return unexpected{decode_error{decode_errc::malformed, e.getDescription().cStr()}};
  } catch (const std::exception& e) {
    return unexpected{decode_error{decode_errc::malformed, e.what()}};
  }
}

/// Copies a capnp::MessageBuilder's flat encoding into `bytes`.
bytes to_bytes(capnp::MessageBuilder& builder);

} // namespace mosaik::codec::detail

namespace mosaik::codec {

// -- shared by the codecs: adapters between our types and Cap'n Proto's -----

inline kj::ArrayPtr<const kj::byte> as_capnp(byte_view v) {
  return kj::arrayPtr(v.data(), v.size());
}

inline byte_view as_view(capnp::Data::Reader d) {
  return {d.begin(), d.size()};
}

/// With its length: capnp's own std::string conversion stops at a NUL byte,
/// which would silently change what is encoded (and break signatures).
inline capnp::Text::Reader as_text(const std::string& s) {
  return {s.c_str(), s.size()};
}

inline bool has_nul(capnp::Text::Reader t) {
  return std::string_view(t.cStr(), t.size()).find('\0') != std::string_view::npos;
}

inline unexpected<decode_error> bad_field(std::string detail) {
  return unexpected{decode_error{decode_errc::bad_field, std::move(detail)}};
}

} // namespace mosaik::codec
