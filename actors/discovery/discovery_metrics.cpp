#include "actors/discovery/discovery_metrics.hpp"

namespace mosaik::discovery {

namespace {

/// Counters only grow: raise `c` to the engine's running total.
void catch_up(metrics::counter& c, std::uint64_t total) {
  if (auto seen = c.value(); total > seen)
    c.inc(total - seen);
}

} // namespace

discovery_metrics::discovery_metrics(metrics::registry& r)
  : catalog_size_(r.gauge("mosaik.discovery.catalog.size")),
    gossip_neighbors_(r.gauge("mosaik.discovery.gossip.neighbors")),
    discovered_(r.counter("mosaik.discovery.peers.discovered")),
    updated_(r.counter("mosaik.discovery.peers.updated")),
    departed_(r.counter("mosaik.discovery.peers.departed")),
    syncs_(r.counter("mosaik.discovery.catalog.syncs")),
    messages_sent_(r.counter("mosaik.discovery.messages.sent")) {
  for (std::size_t i = 0; i < rejection_count; ++i)
    rejected_[i] = r.counter("mosaik.discovery.rejected",
                             {{"reason", std::string{to_string(static_cast<rejection>(i))}}});
  for (std::size_t i = 0; i < eviction_reason_count; ++i)
    evicted_[i] = r.counter("mosaik.discovery.evicted",
                            {{"reason", std::string{to_string(static_cast<eviction_reason>(i))}}});
}

void discovery_metrics::update(const engine& eng, millis now) {
  const auto& cs = eng.catalog().stats();
  const auto& es = eng.stats();
  catalog_size_.set(static_cast<double>(eng.catalog().peers_count(now)));
  gossip_neighbors_.set(static_cast<double>(eng.links().gossip().size()));
  catch_up(discovered_, cs.discovered);
  catch_up(updated_, cs.updated);
  catch_up(departed_, cs.departed + cs.purged);
  catch_up(syncs_, es.syncs_completed);
  catch_up(messages_sent_, es.messages_sent());
  for (std::size_t i = 0; i < rejection_count; ++i)
    catch_up(rejected_[i], cs.rejected[i]);
  for (std::size_t i = 0; i < eviction_reason_count; ++i)
    catch_up(evicted_[i], cs.evicted[i]);
}

} // namespace mosaik::discovery
