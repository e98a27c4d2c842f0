#pragma once
// An established link: what the node keeps for a peer once the handshake
// passed, and only then.

#include "actors/core/ids/keys.hpp"
#include "actors/core/link/heartbeat_monitor.hpp"
#include "actors/core/link/rtt_estimator.hpp"
#include "actors/core/link/time.hpp"
#include "actors/core/link/transcript.hpp"
#include "actors/core/wire/handshake.hpp"

#include <caf/actor_control_block.hpp>
#include <caf/node_id.hpp>

#include <cstdint>
#include <map>

namespace mosaik::transport {

struct link_entry {
  peer_id peer;
  caf::strong_actor_ptr remote; // the peer's node actor
  caf::node_id node;            // its CAF node: frames from it are the peer's
  wire::endpoint address;       // where the peer listens
  link::side our_side = link::side::dialer;
  link::heartbeat_monitor heartbeat{3};
  link::rtt_estimator rtt;
  std::uint64_t next_sequence = 1;
  std::map<std::uint64_t, link::time_point> pings; // heartbeats awaiting an ack
  link::time_point since{};
};

} // namespace mosaik::transport
