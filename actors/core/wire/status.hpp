#pragma once
// Plain C++ values of a node's status (schemas/status.capnp).

#include "actors/core/ids/ids.hpp"
#include "actors/core/ids/keys.hpp"
#include "actors/core/wire/handshake.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

/// The roles a node can have in a group (group_status::role).
inline constexpr std::array<std::string_view, 5> group_roles{"leader", "follower", "candidate",
                                                             "pre_candidate", "observer"};

/// One consensus group the node runs, as its group actor sees it.
struct group_status {
  group_id id;
  std::string role;                 // one of group_roles
  std::optional<peer_id> leader;
  std::uint64_t term = 0;
  std::uint64_t commit = 0;
  std::uint64_t applied = 0;
  std::uint64_t last_index = 0;
  bool online = false;
  std::vector<peer_id> bonds;       // the peers this node is bonded with in the group, sorted

  friend bool operator==(const group_status&, const group_status&) = default;
};

/// The states a stream channel can be in (stream_channel_status::state).
inline constexpr std::array<std::string_view, 3> stream_channel_states{"connecting", "connected",
                                                                       "waiting"};

/// One subscription of a producer or consumer: the peer at its other end.
struct stream_channel_status {
  peer_id peer;
  std::string state;   // one of stream_channel_states (a producer's are connected)
  std::uint64_t datums = 0;
  std::uint64_t bytes = 0;

  friend bool operator==(const stream_channel_status&, const stream_channel_status&) = default;
};

/// A producer or a consumer the node runs.
struct stream_status {
  stream_id id;
  bool producer = false;   // else a consumer
  bool online = false;
  std::vector<stream_channel_status> channels; // sorted by peer

  friend bool operator==(const stream_status&, const stream_status&) = default;
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
  std::vector<group_status> groups; // sorted by id
  std::vector<stream_status> streams; // producers, then consumers, each sorted by id

  friend bool operator==(const node_status&, const node_status&) = default;
};

} // namespace mosaik::wire
