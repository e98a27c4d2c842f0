#include "actors/core/discovery/admission.hpp"

namespace mosaik::discovery {

namespace {

admission::verdict only(admission::verdict::kind what) {
  admission::verdict v;
  v.what = what;
  return v;
}

} // namespace

std::string_view to_string(eviction_reason r) {
  switch (r) {
    case eviction_reason::linked_peer: return "linked_peer";
    case eviction_reason::not_recent: return "not_recent";
    case eviction_reason::relayer_load: return "relayer_load";
    case eviction_reason::older: return "older";
  }
  return "unknown";
}

std::optional<eviction_reason> outranks(const standing& a, const standing& b) {
  if (a.linked != b.linked)
    return a.linked ? std::optional{eviction_reason::linked_peer} : std::nullopt;
  if (a.recent != b.recent)
    return a.recent ? std::optional{eviction_reason::not_recent} : std::nullopt;
  if (a.relayer_load != b.relayer_load)
    return a.relayer_load < b.relayer_load ? std::optional{eviction_reason::relayer_load}
                                           : std::nullopt;
  if (a.verified_at != b.verified_at)
    return a.verified_at > b.verified_at ? std::optional{eviction_reason::older} : std::nullopt;
  return std::nullopt;
}

admission::verdict admission::judge(const peer_id& peer, const relayer& by, millis verified_at,
                                    millis now) const {
  bool is_linked = linked(peer);
  if (by && !is_linked && load(by) >= per_relayer_)
    return only(verdict::kind::over_quota);
  if (size() < capacity_)
    return only(verdict::kind::admit);
  auto victim = lowest(now);
  if (!victim)
    return only(verdict::kind::full);
  // Displacing an entry of the same relayer leaves its load unchanged.
  auto load_after = load(by) + (victim->by == by ? 0 : 1);
  auto why = outranks({is_linked, recent(verified_at, now), load_after, verified_at}, victim->rank);
  if (!why)
    return only(verdict::kind::full);
  return verdict{verdict::kind::evict, victim->peer, *why};
}

std::optional<admission::candidate> admission::lowest(millis now) const {
  // Within one relayer the oldest evictable entry ranks lowest (the load is
  // shared), so comparing each relayer's oldest finds the global lowest.
  std::optional<candidate> low;
  for (const auto& [by, held] : relayers_) {
    if (held.evictable.empty())
      continue;
    const auto& [at, peer] = *held.evictable.begin();
    standing rank{false, recent(at, now), held.load, at};
    if (!low || outranks(low->rank, rank))
      low = candidate{peer, by, rank};
  }
  return low;
}

void admission::add(const peer_id& peer, const relayer& by, millis verified_at) {
  if (slots_.contains(peer))
    remove(peer);
  slots_.emplace(peer, slot{by, verified_at});
  auto& held = relayers_[by];
  ++held.load;
  if (!linked(peer))
    held.evictable.emplace(verified_at, peer);
}

void admission::refresh(const peer_id& peer, millis verified_at) {
  auto it = slots_.find(peer);
  if (it == slots_.end())
    return;
  auto& held = relayers_[it->second.by];
  if (held.evictable.erase({it->second.verified_at, peer}) > 0)
    held.evictable.emplace(verified_at, peer);
  it->second.verified_at = verified_at;
}

void admission::remove(const peer_id& peer) {
  auto it = slots_.find(peer);
  if (it == slots_.end())
    return;
  auto held = relayers_.find(it->second.by);
  held->second.evictable.erase({it->second.verified_at, peer});
  if (--held->second.load == 0)
    relayers_.erase(held);
  slots_.erase(it);
}

void admission::link_up(const peer_id& peer) {
  if (!linked_.insert(peer).second)
    return;
  if (auto it = slots_.find(peer); it != slots_.end())
    relayers_[it->second.by].evictable.erase({it->second.verified_at, peer});
}

void admission::link_down(const peer_id& peer) {
  if (linked_.erase(peer) == 0)
    return;
  if (auto it = slots_.find(peer); it != slots_.end())
    relayers_[it->second.by].evictable.emplace(it->second.verified_at, peer);
}

std::size_t admission::load(const relayer& by) const {
  auto it = relayers_.find(by);
  return it == relayers_.end() ? 0 : it->second.load;
}

} // namespace mosaik::discovery
