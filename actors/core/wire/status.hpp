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

/// One peer of the node's discovery catalog.
struct catalog_status {
  peer_id peer;
  std::vector<tag> tags;
  std::int64_t version_start_ms = 0;
  std::int64_t version_update_ms = 0;
  std::uint64_t age_ms = 0;
  std::vector<endpoint> addresses;
  bool is_signed = true;
  std::uint64_t rtt_us = 0;

  friend bool operator==(const catalog_status&, const catalog_status&) = default;
};

struct node_status {
  peer_id peer;
  network_id network;
  endpoint listen_address;
  std::uint64_t uptime_ms = 0;
  std::vector<peer_status> peers;
  std::vector<std::pair<std::string, std::uint64_t>> counters;
  std::vector<tag> tags;
  std::vector<catalog_status> catalog;

  friend bool operator==(const node_status&, const node_status&) = default;
};

} // namespace mosaik::wire
