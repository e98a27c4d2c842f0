#pragma once
// The state of the streams actor (streams_actor.hpp).

#include "actors/discovery/discovery_api.hpp"
#include "actors/node/node_api.hpp"
#include "actors/streams/stream_setup.hpp"
#include "actors/streams/streams_actor.hpp"

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

namespace spdlog {
class logger;
}

namespace mosaik::streams {

struct streams_state {
  static inline const char* name = "mosaik.streams";

  streams_setup setup;
  node::node_handle node;
  discovery::discovery_handle discovery;
  std::map<stream_id, caf::actor> producers;
  std::set<caf::actor> consumers;
  /// Which consumer owns each subscription, by (producer, subscription).
  std::map<std::pair<peer_id, subscription_id>, caf::actor> routes;
  /// Links that are up.
  std::set<peer_id> links;
  /// Consumer messages (stream, payload) waiting for a link to their producer.
  std::map<peer_id, std::vector<std::pair<stream_id, bytes>>> parked;
  /// The signed peers of the catalog, and a refresh in flight or due.
  std::shared_ptr<const std::vector<peer_description>> catalog =
    std::make_shared<const std::vector<peer_description>>();
  bool catalog_requested = false;
  bool catalog_stale = false;
  std::uint64_t next_seed = 0;
  std::shared_ptr<spdlog::logger> log;
};

using streams_actor = caf::stateful_actor<streams_state>;

} // namespace mosaik::streams
