#include "actors/core/discovery/catalog.hpp"

#include <algorithm>

namespace mosaik::discovery {

namespace {

/// A run cannot start before the epoch or after its own latest update (so,
/// with update_ms drift-checked, not in the future either).
bool bad_start(const entry_version& v) {
  return v.start_ms < 0 || v.start_ms > v.update_ms;
}

} // namespace

catalog::catalog(config cfg, signed_peer_entry local)
  : cfg_(std::move(cfg)), local_(std::move(local)),
    // A live peer re-signs at least every interval * (1 + jitter) < 2 intervals.
    admission_(cfg_.max_peers, cfg_.max_peers_per_relayer, 2 * cfg_.announce_interval),
    penalties_(cfg_.penalties) {}

void catalog::set_local(signed_peer_entry e) {
  if (e.peer() == local_.peer() && e.version() > local_.version())
    local_ = std::move(e);
}

bool catalog::drifted(std::int64_t their_ms, millis seen_at) const {
  // Compared without subtracting their value: it comes off the wire and may
  // be anything, including INT64_MIN.
  auto drift = cfg_.max_time_drift.count();
  return their_ms < seen_at.count() - drift || ahead(their_ms, seen_at);
}

bool catalog::ahead(std::int64_t their_ms, millis seen_at) const {
  return their_ms > seen_at.count() + cfg_.max_time_drift.count();
}

rejection catalog::refuse(rejection why, const std::optional<peer_id>& sender, millis now) {
  ++stats_.rejected[static_cast<std::size_t>(why)];
  if (sender && penalties_.charge(*sender, why, now)) {
    ++stats_.bans;
    bans_.push_back(*sender);
  }
  return why;
}

void catalog::penalise(const peer_id& sender, rejection why, millis now) {
  refuse(why, sender, now);
}

std::optional<rejection> catalog::screen(const peer_entry& entry, millis seen_at,
                                         millis age) const {
  if (entry.peer() == local_id())
    return rejection::own_entry;
  if (entry.network() != network())
    return rejection::wrong_network;
  if (age > cfg_.purge_after)
    return rejection::stale;
  if (drifted(entry.version().update_ms, seen_at))
    return rejection::time_drift;
  if (bad_start(entry.version()))
    return rejection::bad_start;
  if (auto t = departed_.find(entry.peer());
      t != departed_.end() && entry.version() <= t->second.last.last_version())
    return rejection::departed;
  if (auto known = signed_.find(entry.peer()); known != signed_.end()) {
    if (entry.version() == known->second.entry.version())
      return rejection::duplicate;
    if (entry.version() < known->second.entry.version())
      return rejection::outdated;
  }
  return check_limits(entry, cfg_.limits);
}

expected<accepted, rejection> catalog::ingest(const signed_peer_entry& e,
                                              const std::optional<peer_id>& sender, millis now,
                                              millis age) {
  // Cheap checks first; the signature is verified last, only for an entry
  // that would otherwise change the catalog.
  auto seen_at = now - std::max(age, millis{0});
  if (auto why = screen(e.entry(), seen_at, age))
    return unexpected{refuse(*why, sender, now)};
  admission::verdict room;
  if (!signed_.contains(e.peer()))
    room = admission_.judge(e.peer(), sender, seen_at, now);
  if (room.what == admission::verdict::kind::over_quota)
    return unexpected{refuse(rejection::relayer_quota, sender, now)};
  if (room.what == admission::verdict::kind::full)
    return unexpected{refuse(rejection::catalog_full, sender, now)};
  if (!e.verify())
    return unexpected{refuse(rejection::bad_signature, sender, now)};
  if (room.victim)
    evict(*room.victim, room.why);
  return store(e, sender, seen_at);
}

accepted catalog::store(const signed_peer_entry& e, const std::optional<peer_id>& sender,
                        millis seen_at) {
  const auto& entry = e.entry();
  unsigned_.erase(entry.peer());
  departed_.erase(entry.peer()); // a newer run of a departed peer
  auto known = signed_.find(entry.peer());
  if (known == signed_.end()) {
    signed_.emplace(entry.peer(), record{e, seen_at});
    by_seen_.emplace(seen_at, entry.peer());
    admission_.add(entry.peer(), sender, seen_at);
    ++stats_.discovered;
    events_.push_back(peer_discovered{entry});
    return accepted::discovered;
  }
  bool changed = !known->second.entry.entry().same_content(entry);
  by_seen_.erase({known->second.seen_at, entry.peer()});
  by_seen_.emplace(seen_at, entry.peer());
  admission_.refresh(entry.peer(), seen_at);
  known->second = record{e, seen_at};
  if (!changed) {
    ++stats_.refreshed;
    return accepted::refreshed;
  }
  ++stats_.updated;
  events_.push_back(peer_updated{entry});
  return accepted::updated;
}

void catalog::evict(const peer_id& peer, eviction_reason why) {
  erase_signed(signed_.find(peer));
  ++stats_.evicted[static_cast<std::size_t>(why)];
  events_.push_back(peer_departed{peer, departure_cause::evicted});
}

std::optional<rejection> catalog::ingest_departure(const departure& d,
                                                   const std::optional<peer_id>& sender,
                                                   millis now, millis age) {
  if (d.peer() == local_id())
    return refuse(rejection::own_entry, sender, now);
  if (d.network() != network())
    return refuse(rejection::wrong_network, sender, now);
  if (age > cfg_.purge_after)
    return refuse(rejection::stale, sender, now);
  auto seen_at = now - std::max(age, millis{0});
  if (drifted(d.timestamp().count(), seen_at) || ahead(d.last_version().update_ms, seen_at))
    return refuse(rejection::time_drift, sender, now);
  if (bad_start(d.last_version()))
    return refuse(rejection::bad_start, sender, now);
  if (auto t = departed_.find(d.peer());
      t != departed_.end() && d.last_version() <= t->second.last.last_version())
    return refuse(rejection::duplicate, sender, now);
  auto known = signed_.find(d.peer());
  if (known == signed_.end())
    return refuse(rejection::unknown_peer, sender, now);
  if (d.last_version() < known->second.entry.version())
    return refuse(rejection::outdated, sender, now);
  if (!d.verify())
    return refuse(rejection::bad_signature, sender, now);

  erase_signed(known);
  add_tombstone(d, now);
  ++stats_.departed;
  events_.push_back(peer_departed{d.peer(), departure_cause::graceful});
  return std::nullopt;
}

void catalog::add_tombstone(const departure& d, millis now) {
  if (departed_.size() >= cfg_.max_peers && !departed_.contains(d.peer())) {
    auto oldest = std::min_element(departed_.begin(), departed_.end(), [](const auto& a, const auto& b) {
      return a.second.recorded_at < b.second.recorded_at;
    });
    departed_.erase(oldest);
  }
  departed_.insert_or_assign(d.peer(), tombstone{d, now});
}

bool catalog::insert_unsigned(peer_entry e) {
  if (e.peer() == local_id() || e.network() != network() || signed_.contains(e.peer())
      || check_limits(e, cfg_.limits))
    return false;
  auto id = e.peer();
  unsigned_.insert_or_assign(id, std::move(e));
  return true;
}

bool catalog::clear_unsigned() {
  bool any = !unsigned_.empty();
  unsigned_.clear();
  return any;
}

void catalog::record_rtt(const peer_id& peer, std::chrono::microseconds sample) {
  if (signed_.contains(peer) || unsigned_.contains(peer))
    rtt_[peer].sample(sample);
}

void catalog::set_linked(const peer_id& peer, bool linked) {
  if (linked)
    admission_.link_up(peer);
  else
    admission_.link_down(peer);
}

void catalog::erase_signed(std::map<peer_id, record>::iterator it) {
  by_seen_.erase({it->second.seen_at, it->first});
  admission_.remove(it->first);
  rtt_.erase(it->first);
  signed_.erase(it);
}

void catalog::purge(millis now) {
  while (!by_seen_.empty() && now - by_seen_.begin()->first > cfg_.purge_after) {
    auto peer = by_seen_.begin()->second;
    erase_signed(signed_.find(peer));
    ++stats_.purged;
    events_.push_back(peer_departed{peer, departure_cause::purged});
  }
  // After purge_after + max_time_drift, any version a departure covers is
  // refused as stale or drifted anyway.
  std::erase_if(departed_, [&](const auto& kv) {
    return now - kv.second.recorded_at > cfg_.purge_after + cfg_.max_time_drift;
  });
  penalties_.forget_idle(now);
}

std::optional<millis> catalog::next_expiry() const {
  if (by_seen_.empty())
    return std::nullopt;
  return by_seen_.begin()->first + cfg_.purge_after + millis{1};
}

bool catalog::rtt_hidden(const peer_id& peer) const {
  if (!cfg_.max_rtt)
    return false;
  auto it = rtt_.find(peer);
  return it != rtt_.end() && it->second.srtt() > *cfg_.max_rtt;
}

peer_info catalog::info(const record& r, millis now) const {
  peer_info out{r.entry.entry(), true, now - r.seen_at, std::nullopt};
  if (auto it = rtt_.find(r.entry.peer()); it != rtt_.end())
    out.rtt = it->second.srtt();
  return out;
}

peer_info catalog::info(const peer_entry& e) const {
  peer_info out{e, false, millis{0}, std::nullopt};
  if (auto it = rtt_.find(e.peer()); it != rtt_.end())
    out.rtt = it->second.srtt();
  return out;
}

std::vector<peer_info> catalog::peers(millis now) const {
  std::vector<peer_info> out;
  for (const auto& [id, r] : signed_)
    if (!stale(r, now) && !rtt_hidden(id))
      out.push_back(info(r, now));
  for (const auto& [id, e] : unsigned_)
    if (!rtt_hidden(id))
      out.push_back(info(e));
  return out;
}

std::vector<peer_info> catalog::signed_peers(millis now) const {
  std::vector<peer_info> out;
  for (const auto& [id, r] : signed_)
    if (!stale(r, now))
      out.push_back(info(r, now));
  return out;
}

std::vector<peer_info> catalog::unsigned_peers() const {
  std::vector<peer_info> out;
  for (const auto& [id, e] : unsigned_)
    out.push_back(info(e));
  return out;
}

std::optional<peer_info> catalog::get(const peer_id& peer, millis now) const {
  if (rtt_hidden(peer))
    return std::nullopt;
  if (auto it = signed_.find(peer); it != signed_.end() && !stale(it->second, now))
    return info(it->second, now);
  if (auto it = unsigned_.find(peer); it != unsigned_.end())
    return info(it->second);
  return std::nullopt;
}

const signed_peer_entry* catalog::get_signed(const peer_id& peer, millis now) const {
  auto it = signed_.find(peer);
  return it != signed_.end() && !stale(it->second, now) ? &it->second.entry : nullptr;
}

std::size_t catalog::peers_count(millis now) const {
  auto fresh = std::count_if(signed_.begin(), signed_.end(),
                             [&](const auto& kv) { return !stale(kv.second, now); });
  return static_cast<std::size_t>(fresh) + unsigned_.size();
}

std::optional<millis> catalog::age_of(const peer_id& peer, millis now) const {
  auto it = signed_.find(peer);
  if (it == signed_.end())
    return std::nullopt;
  return now - it->second.seen_at;
}

std::vector<summary_item> catalog::summary(millis now) const {
  std::vector<summary_item> out{{local_id(), local_.version()}};
  for (const auto& [id, r] : signed_)
    if (!stale(r, now))
      out.push_back({id, r.entry.version()});
  return out;
}

std::vector<aged_entry> catalog::newer_than(const std::vector<summary_item>& theirs,
                                            millis now) const {
  std::map<peer_id, entry_version> held;
  for (const auto& item : theirs)
    held.insert_or_assign(item.peer, item.version);
  auto lacks = [&](const signed_peer_entry& e) {
    auto it = held.find(e.peer());
    return it == held.end() || it->second < e.version();
  };
  std::vector<aged_entry> out;
  if (lacks(local_))
    out.push_back({local_, millis{0}});
  for (const auto& [id, r] : signed_)
    if (!stale(r, now) && lacks(r.entry))
      out.push_back({r.entry, now - r.seen_at});
  return out;
}

std::vector<aged_departure> catalog::departures_covering(const std::vector<summary_item>& theirs,
                                                         millis now) const {
  std::vector<aged_departure> out;
  for (const auto& item : theirs) {
    auto it = departed_.find(item.peer);
    if (it != departed_.end() && item.version <= it->second.last.last_version())
      out.push_back({it->second.last, now - it->second.recorded_at});
  }
  return out;
}

std::vector<event> catalog::take_events() {
  return std::exchange(events_, {});
}

std::vector<peer_id> catalog::take_bans() {
  return std::exchange(bans_, {});
}

} // namespace mosaik::discovery
