#pragma once
// Encode and decode the link handshake messages (schemas/link.capnp). These
// are the payloads of hello, proof and close frames.

#include "actors/core/expected.hpp"
#include "actors/core/wire/handshake.hpp"
#include "schemas/codec/decode.hpp"

namespace mosaik::codec {

inline constexpr std::size_t max_host_bytes = 255;
inline constexpr std::size_t max_close_detail_bytes = 1024;

bytes encode_hello(const wire::hello& h);
bytes encode_proof(const wire::proof& p);
bytes encode_close(const wire::close& c);

/// Never throw; control messages are held to limits.max_control_bytes.
expected<wire::hello, decode_error> decode_hello(byte_view data, const decode_limits& limits = {});
expected<wire::proof, decode_error> decode_proof(byte_view data, const decode_limits& limits = {});
expected<wire::close, decode_error> decode_close(byte_view data, const decode_limits& limits = {});

} // namespace mosaik::codec
