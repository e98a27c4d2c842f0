#pragma once
// Plain C++ values of a node's status (schemas/status.capnp).

#include "actors/core/ids/ids.hpp"
#include "actors/core/ids/keys.hpp"
#include "actors/core/wire/handshake.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mosaik::wire {

struct peer_status {
  peer_id peer;
  endpoint address;
  std::uint64_t rtt_us = 0;
  std::string state;

  friend bool operator==(const peer_status&, const peer_status&) = default;
};

struct node_status {
  peer_id peer;
  network_id network;
  endpoint listen_address;
  std::uint64_t uptime_ms = 0;
  std::vector<peer_status> peers;
  std::vector<std::pair<std::string, std::uint64_t>> counters;
  std::vector<tag> tags;

  friend bool operator==(const node_status&, const node_status&) = default;
};

} // namespace mosaik::wire
