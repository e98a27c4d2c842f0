#pragma once
// What both engines report about one channel (one subscription between a
// producer and a consumer), and the messages they hand to their actor.

#include "actors/core/ids/keys.hpp"
#include "actors/core/streams/messages.hpp"
#include "actors/core/streams/time.hpp"

#include <cstdint>
#include <optional>

namespace mosaik::streams {

/// FEATURES 5.6 Stats: datums and payload bytes (frame overhead excluded)
/// carried by the channel, and since when it is connected (uptime = now -
/// connected_since; none while not connected).
struct channel_stats {
  std::uint64_t datums = 0;
  std::uint64_t bytes = 0;
  std::optional<millis> connected_since;
  friend bool operator==(const channel_stats&, const channel_stats&) = default;
};

/// A message for the actor to send to `to` on the stream's channel.
struct outgoing {
  peer_id to;
  stream_message msg;
};

} // namespace mosaik::streams
