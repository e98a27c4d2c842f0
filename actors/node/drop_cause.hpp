#pragma once
// Why the node dropped a frame or message; the `cause` label of
// mosaik.network.link.frames.dropped.

#include <cstddef>
#include <string_view>

namespace mosaik::node {

enum class drop_cause : unsigned char {
  anonymous,       // a frame without a sender
  unauthenticated, // from an actor that is neither a linked peer nor in a handshake
  garbage,         // undecodable (frame or payload)
  oversized,       // over the frame size cap
  unknown_kind,    // a frame kind this version does not know
  unexpected_kind, // a handshake frame on an established link
  no_handler,      // a data frame no local actor registered for
  over_credit,     // a data frame past the credit the peer was given
  link_full,       // send_frame to a link whose backlog is full
  not_sent,        // send_frame to an unlinked peer or of a non-data kind (keep it last)
};
inline constexpr std::size_t drop_cause_count = static_cast<std::size_t>(drop_cause::not_sent) + 1;

constexpr std::string_view to_string(drop_cause c) {
  switch (c) {
    case drop_cause::anonymous: return "anonymous";
    case drop_cause::unauthenticated: return "unauthenticated";
    case drop_cause::garbage: return "garbage";
    case drop_cause::oversized: return "oversized";
    case drop_cause::unknown_kind: return "unknown_kind";
    case drop_cause::unexpected_kind: return "unexpected_kind";
    case drop_cause::no_handler: return "no_handler";
    case drop_cause::over_credit: return "over_credit";
    case drop_cause::link_full: return "link_full";
    case drop_cause::not_sent: return "not_sent";
  }
  return "unknown";
}

} // namespace mosaik::node
