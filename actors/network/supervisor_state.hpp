#pragma once
// The network supervisor's state (supervisor.hpp); tests read it.

#include "actors/core/ids/keys.hpp"
#include "actors/network/network_api.hpp"
#include "actors/node/node_config.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace spdlog {
class logger;
}

namespace mosaik::net {

struct supervisor_state {
  static inline const char* name = "mosaik.network";

  /// The network's settings (what the node got, bootstrap and discovery
  /// settings included).
  node::node_config cfg;
  std::optional<secret_key> key; // the node's key, for discovery's entries
  node::node_handle node;
  discovery::discovery_handle discovery; // null when discovery is disabled
  groups::groups_handle groups;
  streams::streams_handle streams;
  std::optional<network_ready> ready;
  std::vector<caf::typed_response_promise<network_ready>> ready_waiters;
  std::map<node::departure_phase, std::vector<caf::actor>> departures;
  bool shutting_down = false;
  std::shared_ptr<spdlog::logger> log;

  void count(const std::string& name, std::uint64_t n = 1) { cfg.metrics->counter(name).inc(n); }
};

using supervisor_actor = network_handle::stateful_base<supervisor_state>;

} // namespace mosaik::net
