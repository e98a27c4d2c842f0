#pragma once
// Discovery's series in the node's metrics registry (FEATURES.md 10), kept
// in step with the engine's own statistics after every input: the engine
// counts, this copies the news into the registry.
//
//   mosaik.discovery.catalog.size        gauge    live peers in the catalog
//   mosaik.discovery.gossip.neighbors    gauge    links in the gossip set
//   mosaik.discovery.peers.discovered    counter  new signed peers
//   mosaik.discovery.peers.updated       counter  newer entries with new content
//   mosaik.discovery.peers.departed      counter  graceful departures and purges
//   mosaik.discovery.catalog.syncs       counter  catalog syncs that completed
//   mosaik.discovery.messages.sent       counter  announcements, departures, sync messages
//   mosaik.discovery.rejected{reason}    counter  entries and messages refused, by reason
//   mosaik.discovery.evicted{reason}     counter  entries a full catalog dropped for a newcomer,
//                                                 by why the newcomer outranked them

#include "actors/core/discovery/engine.hpp"
#include "actors/metrics/registry.hpp"

#include <array>

namespace mosaik::discovery {

class discovery_metrics {
public:
  explicit discovery_metrics(metrics::registry& r);

  void update(const engine& eng, millis now);

private:
  metrics::gauge catalog_size_;
  metrics::gauge gossip_neighbors_;
  metrics::counter discovered_;
  metrics::counter updated_;
  metrics::counter departed_;
  metrics::counter syncs_;
  metrics::counter messages_sent_;
  std::array<metrics::counter, rejection_count> rejected_;
  std::array<metrics::counter, eviction_reason_count> evicted_;
};

} // namespace mosaik::discovery
