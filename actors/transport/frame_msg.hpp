#pragma once
// The one CAF message type that crosses links: an encoded frame envelope
// (schemas/frame.capnp) as bytes. CAF serializes a std::vector<char> with a
// single memcpy; only mosaik's codecs ever look inside.

#include "actors/core/wire/frame.hpp"

#include <caf/meta/type_name.hpp>

#include <vector>

namespace mosaik::transport {

struct frame_msg {
  std::vector<char> bytes;

  friend bool operator==(const frame_msg&, const frame_msg&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, frame_msg& x) {
  return f(caf::meta::type_name("mosaik.frame"), x.bytes);
}

/// Encodes `f` into a message.
frame_msg to_msg(const wire::frame& f);

} // namespace mosaik::transport
