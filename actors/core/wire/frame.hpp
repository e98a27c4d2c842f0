#pragma once
// Plain C++ values of the link envelope (schemas/frame.capnp). The codec in
// schemas/codec converts between these and their Cap'n Proto encoding.

#include "actors/core/bytes.hpp"
#include "actors/core/ids/digest.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace mosaik::wire {

/// Mirrors schema::FrameKind; values outside this list are rejected on decode.
enum class frame_kind : std::uint16_t {
  hello = 0,
  proof = 1,
  close = 2,
  heartbeat = 3,
  heartbeat_ack = 4,
  discovery = 5,
  stream = 6,
  group = 7,
  sync = 8,
  status = 9,
  peers = 10,
  credit = 11,
};

inline constexpr std::uint16_t frame_kind_count = 12;

/// Control frames keep the link alive; they get the smaller size cap.
constexpr bool is_control(frame_kind k) {
  return k <= frame_kind::heartbeat_ack;
}

/// Data frames go to local handlers and are counted against the link's
/// flow-control window (actors/core/link/flow_window.hpp).
constexpr bool carries_data(frame_kind k) {
  return k >= frame_kind::discovery && k <= frame_kind::sync;
}

std::string_view to_string(frame_kind k);

/// A group id, a stream id, or none: with the kind, what a frame is routed by.
using channel = std::optional<digest>;

struct frame {
  frame_kind kind = frame_kind::heartbeat;
  std::uint64_t sequence = 0;
  bytes payload;
  wire::channel channel{};

  friend bool operator==(const frame&, const frame&) = default;
};

} // namespace mosaik::wire
