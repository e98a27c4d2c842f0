#pragma once
// Internal to schemas/codec: the one encoding and check of an Endpoint
// (ids.capnp), used by every message that carries an address.

#include "actors/core/wire/handshake.hpp"
#include "schemas/codec/message_reader.hpp"
#include "schemas/ids.capnp.h"

#include <string>
#include <string_view>

namespace mosaik::codec {

inline constexpr std::size_t max_endpoint_host_bytes = 255;

inline void write_endpoint(schema::Endpoint::Builder b, const wire::endpoint& e) {
  b.setHost(as_text(e.host));
  b.setPort(e.port);
}

/// The endpoint, or a bad_field naming `field` when the host is longer than
/// `max_host` bytes or holds a NUL byte. Port rules are the caller's.
inline expected<wire::endpoint, decode_error>
read_endpoint(schema::Endpoint::Reader r, std::string_view field,
              std::size_t max_host = max_endpoint_host_bytes) {
  auto host = r.getHost();
  if (host.size() > max_host)
    return bad_field(std::string{field} + " host exceeds " + std::to_string(max_host) + " bytes");
  if (has_nul(host))
    return bad_field(std::string{field} + " host contains a NUL byte");
  return wire::endpoint{std::string(host.cStr(), host.size()), r.getPort()};
}

} // namespace mosaik::codec
