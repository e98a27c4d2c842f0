#pragma once
// The state of the node actor. Tests read it through status() and the
// accessors; everything else goes through node_api.hpp.

#include "actors/core/link/dial_table.hpp"
#include "actors/core/link/handshake.hpp"
#include "actors/core/link/link_table.hpp"
#include "actors/core/link/misbehaviour.hpp"
#include "actors/core/link/replay_guard.hpp"
#include "actors/core/wire/frame.hpp"
#include "actors/core/wire/status.hpp"
#include "actors/metrics/registry.hpp"
#include "actors/node/node_config.hpp"
#include "actors/node/node_metrics.hpp"
#include "actors/transport/connection.hpp"

#include <caf/actor.hpp>
#include <caf/io/connection_handle.hpp>
#include <caf/response_promise.hpp>
#include <caf/typed_response_promise.hpp>

#include <spdlog/logger.h>

#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace mosaik::node {

/// The last data frame for a handler from the chunk being read, held back
/// to go as a request: its answer stands for every frame of that chunk sent
/// to the handler before it (a mailbox is FIFO), so one answer per handler
/// and chunk returns the credit of all of them.
struct held_delivery {
  caf::actor handler;
  std::uint64_t link = 0; // link::link_table::entry::id
  peer_id from;
  wire::frame frame;
  std::uint64_t cost = 0; // of this frame and the ones sent before it
};

struct node_state {
  static inline const char* name = "mosaik.node";

  node_config cfg;
  std::optional<secret_key> key;
  link::local_identity me;
  std::mt19937_64 rng;
  bool ready = false;
  bool shutting_down = false;
  caf::typed_response_promise<bool> departure; // answered when the departure window closed
  std::vector<caf::response_promise> ready_waiters;
  link::time_point started{};

  std::map<caf::io::connection_handle, transport::connection> conns;
  link::link_table links;
  std::set<caf::io::connection_handle> unflushed; // written since the last flush
  std::size_t reassembly_reserved = 0; // bytes large records under way hold, node-wide
  std::vector<held_delivery> held;     // while a chunk is read (node_links.cpp)
  link::dial_table dials;
  std::uint64_t next_generation = 1;
  std::unique_ptr<link::replay_guard> replay;
  link::misbehaviour_tracker misbehaviour;
  /// The node's metrics (from cfg.metrics, or its own); the only store of
  /// its counters. Actors of this node count into the same registry.
  std::shared_ptr<metrics::registry> metrics;
  node_metrics m;
  std::vector<caf::actor> link_subscribers;
  /// Handlers by (kind, channel); a handler of (kind, none) takes the
  /// frames of that kind no channel-specific handler takes.
  std::map<std::pair<wire::frame_kind, wire::channel>, caf::actor> handlers;
  /// Who holds each link open against release_link (hold_link).
  std::map<peer_id, std::set<caf::actor_addr>> holds;
  /// Actors whose parts every status answer includes (subsystem_api.hpp).
  std::vector<caf::actor> status_contributors;
  std::shared_ptr<spdlog::logger> log;

  wire::node_status status(link::time_point now) const;
  /// Counts a rare event (a name lookup each time; per-frame series are in `m`).
  void count(const std::string& name, const metrics::labels& l = {}, std::uint64_t n = 1) {
    metrics->counter(name, l).inc(n);
  }
  /// A counter's value (0 when never counted).
  std::uint64_t counter(const std::string& name, const metrics::labels& l = {}) const;
  wire::nonce fresh_nonce();
};

} // namespace mosaik::node
