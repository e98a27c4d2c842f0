#include "actors/core/discovery/announcer.hpp"

namespace mosaik::discovery {

namespace {

signed_peer_entry first_entry(const config& cfg, const network_id& network, const secret_key& key,
                              peer_entry::address_set addresses, millis now) {
  peer_entry e{cfg.protocol, network, key.public_id(), {now.count(), now.count()}};
  for (auto& a : addresses)
    e.add_address(a);
  for (const auto& t : cfg.tags)
    e.add_tag(t);
  return *signed_peer_entry::sign(std::move(e), key);
}

} // namespace

announcer::announcer(const config& cfg, const network_id& network, secret_key key,
                     peer_entry::address_set addresses, millis now, rng& r)
  : interval_(cfg.announce_interval), jitter_(cfg.announce_jitter), limits_(cfg.limits),
    key_(std::move(key)), current_(first_entry(cfg, network, key_, std::move(addresses), now)) {
  schedule(now, r);
}

void announcer::heartbeat(millis now, rng& r) {
  auto next = current_.entry();
  next.bump_version(now);
  resign(std::move(next));
  schedule(now, r);
}

departure announcer::depart(millis now) const {
  return departure::sign(current_.entry().network(), key_, current_.version(), now);
}

void announcer::resign(peer_entry e) {
  // The key is ours and the entry's peer id never changes: signing succeeds.
  current_ = *signed_peer_entry::sign(std::move(e), key_);
}

void announcer::schedule(millis now, rng& r) {
  auto base = interval_.count();
  auto spread = static_cast<std::int64_t>(static_cast<double>(base) * jitter_);
  next_heartbeat_ = now + millis{r.between(base - spread, base + spread)};
}

} // namespace mosaik::discovery
