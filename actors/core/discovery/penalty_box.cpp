#include "actors/core/discovery/penalty_box.hpp"

#include <algorithm>
#include <cstdint>
#include <tuple>

namespace mosaik::discovery {

std::uint32_t penalty_box::decayed(const account& a, millis now) const {
  if (policy_.half_life <= millis{0} || now <= a.updated)
    return a.score;
  auto halvings = (now - a.updated) / policy_.half_life;
  return halvings >= 32 ? 0 : a.score >> halvings;
}

bool penalty_box::charge(const peer_id& sender, rejection why, millis now) {
  auto weight = policy_.weight(why);
  if (weight == 0)
    return false;
  auto it = scores_.find(sender);
  if (it == scores_.end()) {
    make_room();
    it = scores_.emplace(sender, account{0, now, millis{0}}).first;
  }
  auto& a = it->second;
  bool was_banned = now < a.banned_until;
  // Keep the decay phase: advance `updated` by whole half-lives only.
  auto score = decayed(a, now);
  if (policy_.half_life > millis{0} && now > a.updated)
    a.updated += ((now - a.updated) / policy_.half_life) * policy_.half_life;
  a.score = score > UINT32_MAX - weight ? UINT32_MAX : score + weight;
  if (!was_banned && a.score >= policy_.ban_threshold) {
    a.banned_until = now + policy_.ban_duration;
    return true;
  }
  return false;
}

std::uint32_t penalty_box::score(const peer_id& sender, millis now) const {
  auto it = scores_.find(sender);
  return it == scores_.end() ? 0 : decayed(it->second, now);
}

bool penalty_box::banned(const peer_id& sender, millis now) const {
  auto it = scores_.find(sender);
  return it != scores_.end() && now < it->second.banned_until;
}

void penalty_box::forget_idle(millis now) {
  std::erase_if(scores_, [&](const auto& kv) {
    return decayed(kv.second, now) == 0 && now >= kv.second.banned_until;
  });
}

void penalty_box::make_room() {
  if (scores_.size() < policy_.max_tracked || scores_.empty())
    return;
  // Forget the least suspicious sender; a banned one is kept if possible.
  auto victim = std::min_element(scores_.begin(), scores_.end(), [](const auto& a, const auto& b) {
    return std::tie(a.second.banned_until, a.second.score)
           < std::tie(b.second.banned_until, b.second.score);
  });
  scores_.erase(victim);
}

} // namespace mosaik::discovery
