#pragma once
// The one CAF message type that crosses links: an encoded frame envelope
// (schemas/frame.capnp) as bytes. CAF 0.17 serializes a byte vector with a
// single memcpy; only mosaik's codecs ever look inside.

#include "actors/core/wire/frame.hpp"

#include <caf/meta/type_name.hpp>


namespace mosaik::transport {

struct frame_msg {
  mosaik::bytes bytes;

  byte_view view() const { return {bytes.data(), bytes.size()}; }

  friend bool operator==(const frame_msg&, const frame_msg&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, frame_msg& x) {
  return f(caf::meta::type_name("mosaik.frame"), x.bytes);
}

/// Encodes `f` into a message.
frame_msg to_msg(const wire::frame& f);

} // namespace mosaik::transport
