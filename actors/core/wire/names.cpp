#include "actors/core/wire/frame.hpp"
#include "actors/core/wire/handshake.hpp"

namespace mosaik::wire {

std::string_view to_string(frame_kind k) {
  switch (k) {
    case frame_kind::hello: return "hello";
    case frame_kind::proof: return "proof";
    case frame_kind::close: return "close";
    case frame_kind::heartbeat: return "heartbeat";
    case frame_kind::heartbeat_ack: return "heartbeat_ack";
    case frame_kind::discovery: return "discovery";
    case frame_kind::stream: return "stream";
    case frame_kind::group: return "group";
    case frame_kind::sync: return "sync";
    case frame_kind::status: return "status";
    case frame_kind::peers: return "peers";
    case frame_kind::credit: return "credit";
  }
  return "unknown";
}

std::string_view to_string(close_reason r) {
  switch (r) {
    case close_reason::unspecified: return "unspecified";
    case close_reason::different_network: return "different_network";
    case close_reason::invalid_signature: return "invalid_signature";
    case close_reason::stale_proof: return "stale_proof";
    case close_reason::version_mismatch: return "version_mismatch";
    case close_reason::handshake_timeout: return "handshake_timeout";
    case close_reason::self_connection: return "self_connection";
    case close_reason::already_connected: return "already_connected";
    case close_reason::departing: return "departing";
    case close_reason::protocol_violation: return "protocol_violation";
    case close_reason::heartbeat_timeout: return "heartbeat_timeout";
    case close_reason::banned: return "banned";
    case close_reason::connection_lost: return "connection_lost";
    case close_reason::unexpected_peer: return "unexpected_peer";
    case close_reason::released: return "released";
    case close_reason::too_slow: return "too_slow";
  }
  return "unknown";
}

} // namespace mosaik::wire
