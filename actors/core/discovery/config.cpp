#include "actors/core/discovery/config.hpp"

namespace mosaik::discovery {

std::optional<std::string> check(const config& cfg) {
  if (cfg.announce_interval <= millis{0})
    return "announce_interval must be positive";
  if (!(cfg.announce_jitter >= 0.0 && cfg.announce_jitter < 1.0))
    return "announce_jitter must be in [0, 1)";
  auto longest_gap = cfg.announce_interval.count() * (1.0 + cfg.announce_jitter);
  if (static_cast<double>(cfg.purge_after.count()) <= longest_gap)
    return "purge_after must exceed the longest announce gap (interval * (1 + jitter))";
  if (cfg.max_time_drift < millis{0})
    return "max_time_drift must not be negative";
  if (cfg.gossip_peers == 0 || cfg.min_gossip_peers > cfg.gossip_peers)
    return "need 0 < min_gossip_peers <= gossip_peers";
  if (cfg.fanout == 0)
    return "fanout must be positive";
  if (cfg.maintenance_interval <= millis{0} || cfg.dial_timeout <= millis{0}
      || cfg.sync_timeout <= millis{0})
    return "maintenance_interval, dial_timeout and sync_timeout must be positive";
  if (cfg.max_peers == 0 || cfg.max_peers_per_relayer == 0 || cfg.limits.max_chunk_entries == 0
      || cfg.limits.max_announce_entries == 0)
    return "max_peers, max_peers_per_relayer, max_chunk_entries and max_announce_entries must be "
           "positive";
  if (cfg.limits.max_summary_items <= cfg.max_peers)
    return "limits.max_summary_items must exceed max_peers (a summary lists the catalog and us)";
  if (cfg.tags.size() > cfg.limits.max_tags)
    return "more tags than limits.max_tags";
  return std::nullopt;
}

} // namespace mosaik::discovery
