#pragma once
// Everything a node is started with. Defaults of the link layer live in
// link::link_config; frame caps in codec::decode_limits.

#include "actors/core/discovery/config.hpp"
#include "actors/core/groups/groups_config.hpp"
#include "actors/core/ids/ids.hpp"
#include "actors/core/link/link_config.hpp"
#include "actors/core/link/peer_address.hpp"
#include "actors/metrics/registry.hpp"
#include "schemas/codec/decode.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mosaik::node {

struct node_config {
  std::string network;                           // network name (or 64 hex characters)
  wire::endpoint listen{"127.0.0.1", 0};         // port 0 picks a free port
  std::vector<link::peer_address> bootstrap;     // dialled at start, re-dialled with backoff
  std::vector<tag> tags;
  std::string data_dir;                          // empty: nothing is kept on disk
  link::link_config link;
  codec::decode_limits limits;                   // frame size caps, checked before decoding
  /// Share and follow peer hints (how a node without discovery learns its
  /// peers' peers). A network running discovery turns them off: its gossip
  /// decides which links to open.
  bool peer_hints = true;
  /// Discovery settings, read by the network supervisor (the node itself
  /// runs no discovery); unset: no discovery actor (link tests that want
  /// quiet links). Its tags and bootstrap addresses are added from the
  /// fields above.
  std::optional<discovery::config> discovery = discovery::config{};
  /// The groups subsystem's settings (read by the network supervisor).
  groups::groups_config groups;
  /// Unix time at start for discovery's clock (simulation). Unset: the
  /// system clock.
  std::optional<std::chrono::milliseconds> epoch;
  /// Seeds nonces and reconnect jitter (simulation). Unset: nonces come from
  /// the operating system and jitter from a random seed.
  std::optional<std::uint64_t> seed;
  /// Where the node counts (e.g. one that an http_exposer serves). Unset: the
  /// node makes its own, labelled with metrics::network_labels(network).
  std::shared_ptr<metrics::registry> metrics;
};

} // namespace mosaik::node
