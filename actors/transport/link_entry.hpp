#pragma once
// An established link: what the node keeps for a peer once the handshake
// passed, and only then. Its frames travel on one connection, sealed with
// the keys that handshake agreed.

#include "actors/core/ids/digest.hpp"
#include "actors/core/ids/keys.hpp"
#include "actors/core/link/flow_window.hpp"
#include "actors/core/link/heartbeat_monitor.hpp"
#include "actors/core/link/rtt_estimator.hpp"
#include "actors/core/link/time.hpp"
#include "actors/core/link/transcript.hpp"
#include "actors/core/wire/handshake.hpp"

#include <caf/io/connection_handle.hpp>

#include <cstdint>
#include <map>

namespace mosaik::transport {

struct link_entry {
  std::uint64_t id = 0; // unique per link, so late answers about an older one are ignored
  peer_id peer;
  caf::io::connection_handle conn; // the only connection the peer's frames are taken from
  digest binding;                  // the handshake's channel binding (bond proofs)
  wire::endpoint address;          // where the peer listens
  link::side our_side = link::side::dialer;
  link::heartbeat_monitor heartbeat{3};
  link::rtt_estimator rtt;
  std::uint64_t next_sequence = 1;
  std::map<std::uint64_t, link::time_point> pings; // heartbeats awaiting an ack
  link::time_point since{};
  link::send_window send{0};       // our data frames, against the peer's credit
  link::receive_window receive{0}; // the peer's data frames in our handlers
};

} // namespace mosaik::transport
