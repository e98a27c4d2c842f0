#include "actors/core/discovery/gossip_links.hpp"

#include <algorithm>
#include <iterator>

namespace mosaik::discovery {

std::optional<peer_id> gossip_links::link_up(const peer_id& peer, millis now, rng& r) {
  links_.insert_or_assign(peer, now);
  backoff_until_.erase(peer);
  auto dial = dialing_.find(peer);
  bool probe = dial != dialing_.end() && dial->second.why == dial_reason::probe;
  if (dial != dialing_.end())
    dialing_.erase(dial);
  if (gossip_.contains(peer))
    return std::nullopt;
  if (gossip_.size() < max_gossip_) {
    gossip_.insert(peer);
    return std::nullopt;
  }
  if (!probe)
    return std::nullopt;
  auto victim = std::next(gossip_.begin(), static_cast<std::ptrdiff_t>(r.below(gossip_.size())));
  auto evicted = *victim;
  gossip_.erase(victim);
  gossip_.insert(peer);
  return evicted;
}

void gossip_links::link_down(const peer_id& peer) {
  links_.erase(peer);
  gossip_.erase(peer);
  dialing_.erase(peer);
}

void gossip_links::dial_started(const peer_id& peer, dial_reason why, millis now) {
  dialing_.insert_or_assign(peer, dial{why, now + dial_timeout_});
}

std::optional<dial_reason> gossip_links::dial_failed(const peer_id& peer, millis now) {
  auto it = dialing_.find(peer);
  if (it == dialing_.end())
    return std::nullopt;
  auto why = it->second.why;
  dialing_.erase(it);
  backoff_until_.insert_or_assign(peer, now + redial_backoff_);
  return why;
}

std::vector<std::pair<peer_id, dial_reason>> gossip_links::expire(millis now) {
  std::vector<std::pair<peer_id, dial_reason>> failed;
  for (auto it = dialing_.begin(); it != dialing_.end();) {
    if (it->second.deadline <= now) {
      backoff_until_.insert_or_assign(it->first, now + redial_backoff_);
      failed.emplace_back(it->first, it->second.why);
      it = dialing_.erase(it);
    } else {
      ++it;
    }
  }
  std::erase_if(backoff_until_, [&](const auto& kv) { return kv.second <= now; });
  return failed;
}

bool gossip_links::can_dial(const peer_id& peer, millis now) const {
  if (links_.contains(peer) || dialing_.contains(peer))
    return false;
  auto it = backoff_until_.find(peer);
  return it == backoff_until_.end() || it->second <= now;
}

std::size_t gossip_links::dials_for(dial_reason why) const {
  return static_cast<std::size_t>(
    std::count_if(dialing_.begin(), dialing_.end(), [&](const auto& kv) { return kv.second.why == why; }));
}

millis gossip_links::linked_for(const peer_id& peer, millis now) const {
  auto it = links_.find(peer);
  return it == links_.end() ? millis{0} : now - it->second;
}

std::vector<peer_id> gossip_links::links() const {
  std::vector<peer_id> out;
  out.reserve(links_.size());
  for (const auto& [peer, since] : links_)
    out.push_back(peer);
  return out;
}

std::vector<peer_id> gossip_links::pick(std::size_t n, const std::optional<peer_id>& except,
                                        rng& r) const {
  std::vector<peer_id> pool;
  for (const auto& p : gossip_)
    if (!except || p != *except)
      pool.push_back(p);
  // Partial Fisher-Yates: the first n slots are a uniform sample.
  auto take = std::min(n, pool.size());
  for (std::size_t i = 0; i < take; ++i)
    std::swap(pool[i], pool[i + r.below(pool.size() - i)]);
  pool.resize(take);
  return pool;
}

std::optional<millis> gossip_links::next_deadline() const {
  std::optional<millis> soonest;
  for (const auto& [peer, d] : dialing_)
    if (!soonest || d.deadline < *soonest)
      soonest = d.deadline;
  return soonest;
}

} // namespace mosaik::discovery
