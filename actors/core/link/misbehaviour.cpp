#include "actors/core/link/misbehaviour.hpp"

#include <algorithm>
#include <cmath>

namespace mosaik::link {

double misbehaviour_tracker::decayed(const entry& e, time_point now) const {
  if (now <= e.updated || cfg_.forgive.count() <= 0)
    return e.score;
  auto forgiven = static_cast<double>((now - e.updated).count())
                  / static_cast<double>(cfg_.forgive.count());
  return std::max(0.0, e.score - forgiven);
}

void misbehaviour_tracker::make_room(time_point now) {
  if (entries_.size() < cfg_.capacity)
    return;
  // Forget the least recently updated peer that is not banned; if all are
  // banned, the one whose ban ends first.
  auto victim = entries_.end();
  for (auto i = entries_.begin(); i != entries_.end(); ++i) {
    bool banned_i = i->second.banned_until > now;
    if (victim == entries_.end()) {
      victim = i;
      continue;
    }
    bool banned_v = victim->second.banned_until > now;
    if (banned_v != banned_i ? banned_v
                             : (banned_i ? i->second.banned_until < victim->second.banned_until
                                         : i->second.updated < victim->second.updated))
      victim = i;
  }
  if (victim != entries_.end())
    entries_.erase(victim);
}

std::optional<time_point> misbehaviour_tracker::offend(const peer_id& peer, time_point now,
                                                       double points) {
  auto i = entries_.find(peer);
  if (i == entries_.end()) {
    make_room(now);
    i = entries_.emplace(peer, entry{}).first;
  }
  auto& e = i->second;
  e.score = decayed(e, now) + points;
  e.updated = now;
  if (e.score < cfg_.threshold)
    return std::nullopt;
  auto length = std::min(static_cast<double>(cfg_.max_ban.count()),
                         static_cast<double>(cfg_.ban.count()) * std::pow(cfg_.ban_growth, e.bans));
  e.banned_until = now + duration{static_cast<duration::rep>(length)};
  e.score = 0;
  ++e.bans;
  return e.banned_until;
}

void misbehaviour_tracker::ban(const peer_id& peer, time_point now, time_point until) {
  auto i = entries_.find(peer);
  if (i == entries_.end()) {
    make_room(now);
    i = entries_.emplace(peer, entry{0, now, until, 0}).first;
  }
  auto& e = i->second;
  e.banned_until = std::max(e.banned_until, until);
}

bool misbehaviour_tracker::banned(const peer_id& peer, time_point now) const {
  auto i = entries_.find(peer);
  return i != entries_.end() && i->second.banned_until > now;
}

double misbehaviour_tracker::score(const peer_id& peer, time_point now) const {
  auto i = entries_.find(peer);
  return i == entries_.end() ? 0.0 : decayed(i->second, now);
}

} // namespace mosaik::link
