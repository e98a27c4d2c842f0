#pragma once
// The state of the node actor. Tests read it through status() and the
// accessors; everything else goes through node_api.hpp.

#include "actors/core/link/handshake.hpp"
#include "actors/core/link/misbehaviour.hpp"
#include "actors/core/link/replay_guard.hpp"
#include "actors/core/wire/frame.hpp"
#include "actors/core/wire/status.hpp"
#include "actors/node/node_config.hpp"
#include "actors/transport/dial_entry.hpp"
#include "actors/transport/link_entry.hpp"
#include "actors/transport/pending_accept.hpp"

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/response_promise.hpp>

#include <spdlog/logger.h>

#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace mosaik::node {

struct node_state {
  static inline const char* name = "mosaik.node";

  node_config cfg;
  std::optional<secret_key> key;
  link::local_identity me;
  std::mt19937_64 rng;
  bool ready = false;
  bool shutting_down = false;
  std::vector<caf::response_promise> ready_waiters;
  link::time_point started{};

  std::map<peer_id, transport::link_entry> links;
  std::map<caf::node_id, peer_id> by_node;
  std::map<caf::actor_addr, transport::pending_accept> accepting;
  std::set<caf::actor_addr> clients; // authenticated status clients
  std::map<std::uint64_t, transport::dial_entry> dials;
  std::uint64_t next_dial_id = 1;
  std::uint64_t next_generation = 1;
  std::unique_ptr<link::replay_guard> replay;
  link::misbehaviour_tracker misbehaviour;
  std::map<std::string, std::uint64_t> counters;
  std::vector<caf::actor> link_subscribers;
  std::map<wire::frame_kind, caf::actor> handlers;
  caf::actor discovery; // null when discovery is disabled
  std::shared_ptr<spdlog::logger> log;

  wire::node_status status(link::time_point now) const;
  void count(const std::string& name, std::uint64_t n = 1) { counters[name] += n; }
  std::uint64_t counter(const std::string& name) const;
  wire::nonce fresh_nonce();
};

} // namespace mosaik::node
