#pragma once
// How a user's values (group commands, queries and results, stream datums)
// become bytes. By default any type with a CAF `inspect` overload (or one
// CAF serializes natively), through CAF's binary serializer; specialize
// mosaik::value_codec<T> for a Cap'n Proto struct or a codec of your own:
//
//   template <> struct mosaik::value_codec<my_cmd> {
//     static mosaik::bytes encode(const my_cmd& c);
//     static std::optional<my_cmd> decode(mosaik::byte_view b); // nullopt: refused
//   };
//
// decode must accept exactly what encode produces and refuse everything
// else without throwing: the bytes come from other nodes.

#include "actors/core/bytes.hpp"
#include "actors/core/check.hpp"

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include <optional>
#include <vector>

namespace mosaik {

template <class T>
struct value_codec {
  static bytes encode(const T& value) {
    std::vector<char> buf;
    caf::binary_serializer sink{nullptr, buf};
    auto err = sink(const_cast<T&>(value)); // CAF 0.17's inspect takes a mutable reference
    // Only a type CAF cannot serialize fails here: a bug in the caller's code.
    MOSAIK_CHECK(!err, "value_codec: CAF cannot serialize this type");
    return bytes(buf.begin(), buf.end());
  }

  static std::optional<T> decode(byte_view data) {
    caf::binary_deserializer source{nullptr, reinterpret_cast<const char*>(data.data()), data.size()};
    T value{};
    if (auto err = source(value); err || source.remaining() != 0)
      return std::nullopt;
    return value;
  }
};

} // namespace mosaik
