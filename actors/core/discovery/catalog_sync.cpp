#include "actors/core/discovery/catalog_sync.hpp"

#include <algorithm>

namespace mosaik::discovery {

catalog_sync::catalog_sync(const config& cfg)
  : chunk_entries_(cfg.limits.max_chunk_entries),
    // Entries are bounded by the catalog, departures by our summary.
    max_chunks_(std::max(cfg.max_peers + 1, cfg.limits.max_summary_items) / cfg.limits.max_chunk_entries
                + 1),
    timeout_(cfg.sync_timeout) {}

std::optional<sync_request> catalog_sync::start(const peer_id& peer, const catalog& cat, millis now) {
  if (pending_.contains(peer))
    return std::nullopt;
  auto id = next_id_++;
  pending_.emplace(peer, request{id, now + timeout_});
  return sync_request{id, cat.summary(now)};
}

std::vector<sync_chunk> catalog_sync::answer(const sync_request& req, const catalog& cat,
                                             millis now) const {
  auto entries = cat.newer_than(req.summary, now);
  auto departures = cat.departures_covering(req.summary, now);
  std::vector<sync_chunk> out;
  std::size_t e = 0, d = 0;
  do {
    sync_chunk chunk{req.request_id, {}, {}, false};
    for (; e < entries.size() && chunk.entries.size() < chunk_entries_; ++e)
      chunk.entries.push_back(std::move(entries[e]));
    for (; d < departures.size() && chunk.departures.size() < chunk_entries_; ++d)
      chunk.departures.push_back(std::move(departures[d]));
    out.push_back(std::move(chunk));
  } while (e < entries.size() || d < departures.size());
  out.back().last = true;
  return out;
}

expected<bool, rejection> catalog_sync::on_chunk(const peer_id& peer, const sync_chunk& chunk) {
  auto it = pending_.find(peer);
  if (it == pending_.end() || it->second.id != chunk.request_id)
    return unexpected{rejection::unsolicited};
  if (chunk.entries.size() > chunk_entries_ || chunk.departures.size() > chunk_entries_
      || ++it->second.chunks > max_chunks_) {
    pending_.erase(it);
    return unexpected{rejection::malformed};
  }
  if (chunk.last)
    pending_.erase(it);
  return chunk.last;
}

std::vector<peer_id> catalog_sync::expire(millis now) {
  std::vector<peer_id> out;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.deadline <= now) {
      out.push_back(it->first);
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::optional<millis> catalog_sync::next_deadline() const {
  std::optional<millis> soonest;
  for (const auto& [peer, r] : pending_)
    if (!soonest || r.deadline < *soonest)
      soonest = r.deadline;
  return soonest;
}

} // namespace mosaik::discovery
