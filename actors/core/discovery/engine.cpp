#include "actors/core/discovery/engine.hpp"

#include "actors/core/overloaded.hpp"

#include <algorithm>

namespace mosaik::discovery {

namespace {

void soonest(millis& current, std::optional<millis> candidate) {
  if (candidate && *candidate < current)
    current = *candidate;
}

} // namespace

engine::engine(config cfg, const network_id& network, secret_key key,
               peer_entry::address_set addresses, millis now)
  : cfg_(std::move(cfg)), rng_(cfg_.seed),
    announcer_(cfg_, network, std::move(key), std::move(addresses), now, rng_),
    catalog_(cfg_, announcer_.current()), links_(cfg_), sync_(cfg_), next_maintenance_(now) {
  for (const auto& ep : cfg_.bootstrap)
    if (!me().entry().addresses().contains(ep))
      bootstrap_.insert_or_assign(ep, bootstrap_address{now, std::nullopt});
}

void engine::tick(millis now) {
  if (departed_)
    return;
  for (const auto& [peer, why] : links_.expire(now))
    dial_failed(peer, why);
  for (const auto& peer : sync_.expire(now)) {
    finish_sync(peer, false);
    maybe_release(peer, now);
  }
  catalog_.purge(now);
  if (announcer_.heartbeat_due(now)) {
    announcer_.heartbeat(now, rng_);
    publish_local();
  }
  if (now >= next_maintenance_) {
    maintain(now);
    next_maintenance_ = now + cfg_.maintenance_interval;
  }
  collect();
}

void engine::on_link_up(const peer_id& peer, millis now,
                        const std::optional<wire::endpoint>& address) {
  if (departed_)
    return;
  if (address)
    if (auto b = bootstrap_.find(*address); b != bootstrap_.end())
      b->second.peer = peer;
  if (catalog_.banned(peer, now)) {
    out_.releases.push_back(peer);
    return;
  }
  if (auto evicted = links_.link_up(peer, now, rng_)) {
    link_states_[*evicted].released = true;
    out_.releases.push_back(*evicted);
  }
  link_states_[peer] = link_state{};
  catalog_.set_linked(peer, true);
  start_sync(peer, now);
  // A new gossip peer forwards our entry on: announce it, not just sync it.
  if (links_.is_gossip(peer))
    send(peer, announce{{me()}});
  collect();
}

void engine::on_link_down(const peer_id& peer, millis now) {
  links_.link_down(peer);
  catalog_.set_linked(peer, false);
  if (sync_.cancel(peer))
    finish_sync(peer, false);
  link_states_.erase(peer);
  next_maintenance_ = now; // look for a replacement at the next tick
}

void engine::on_dial_failed(const peer_id& peer, millis now) {
  if (auto why = links_.dial_failed(peer, now))
    dial_failed(peer, *why);
}

void engine::dial_failed(const peer_id& peer, dial_reason why) {
  if (why == dial_reason::sync)
    out_.syncs.push_back({peer, false});
}

void engine::on_message(const peer_id& sender, const message& msg, millis now) {
  if (departed_)
    return;
  if (catalog_.banned(sender, now)) {
    ++stats_.dropped_from_banned;
    return;
  }
  std::visit(overloaded{
               [&](const announce& a) { on_announce(sender, a, now); },
               [&](const departure& d) { on_departure(sender, d, now); },
               [&](const sync_request& r) { on_sync_request(sender, r, now); },
               [&](const sync_chunk& c) { on_sync_chunk(sender, c, now); },
             },
             msg);
  collect();
}

void engine::on_malformed(const peer_id& sender, millis now) {
  catalog_.penalise(sender, rejection::malformed, now);
  collect();
}

void engine::on_announce(const peer_id& sender, const announce& a, millis now) {
  if (a.entries.size() > cfg_.limits.max_announce_entries) {
    catalog_.penalise(sender, rejection::malformed, now);
    return;
  }
  std::vector<signed_peer_entry> fresh;
  for (const auto& e : a.entries)
    if (catalog_.ingest(e, sender, now))
      fresh.push_back(e);
  forward(std::move(fresh), sender);
}

void engine::on_departure(const peer_id& sender, const departure& d, millis now) {
  if (catalog_.ingest_departure(d, sender, now))
    return;
  for (const auto& to : links_.pick(cfg_.fanout, sender, rng_))
    send(to, d);
}

void engine::on_sync_request(const peer_id& sender, const sync_request& req, millis now) {
  if (req.summary.size() > cfg_.limits.max_summary_items) {
    catalog_.penalise(sender, rejection::malformed, now);
    return;
  }
  for (auto& chunk : sync_.answer(req, catalog_, now))
    send(sender, std::move(chunk));
  if (auto it = link_states_.find(sender); it != link_states_.end())
    it->second.served = true;
  maybe_release(sender, now);
}

void engine::on_sync_chunk(const peer_id& sender, const sync_chunk& chunk, millis now) {
  auto done = sync_.on_chunk(sender, chunk);
  if (!done) {
    catalog_.penalise(sender, done.error(), now);
    if (done.error() == rejection::malformed) {
      finish_sync(sender, false);
      maybe_release(sender, now);
    }
    return;
  }
  for (const auto& item : chunk.entries)
    (void)catalog_.ingest(item.entry, sender, now, item.age);
  for (const auto& item : chunk.departures)
    catalog_.ingest_departure(item.departure, sender, now, item.age);
  if (*done) {
    finish_sync(sender, true);
    maybe_release(sender, now);
  }
}

void engine::start_sync(const peer_id& peer, millis now) {
  if (auto req = sync_.start(peer, catalog_, now))
    send(peer, std::move(*req));
}

void engine::finish_sync(const peer_id& peer, bool completed) {
  ++(completed ? stats_.syncs_completed : stats_.syncs_failed);
  out_.syncs.push_back({peer, completed});
  if (auto it = link_states_.find(peer); it != link_states_.end())
    it->second.synced = true;
}

void engine::maybe_release(const peer_id& peer, millis now) {
  if (!links_.is_link(peer) || links_.is_gossip(peer))
    return;
  auto it = link_states_.find(peer);
  if (it == link_states_.end() || it->second.released || !it->second.synced)
    return;
  // Wait for the peer's own request, but not forever.
  if (!it->second.served && links_.linked_for(peer, now) < cfg_.sync_timeout)
    return;
  it->second.released = true;
  out_.releases.push_back(peer);
}

void engine::publish_local() {
  catalog_.set_local(announcer_.current());
  for (const auto& to : links_.gossip())
    send(to, announce{{me()}});
}

void engine::send(const peer_id& to, message msg) {
  std::visit(overloaded{
               [&](const announce& a) {
                 ++stats_.announces_sent;
                 stats_.entries_sent += a.entries.size();
               },
               [&](const departure&) { ++stats_.departures_sent; },
               [&](const sync_request&) { ++stats_.sync_requests_sent; },
               [&](const sync_chunk&) { ++stats_.sync_chunks_sent; },
             },
             msg);
  out_.messages.push_back({to, std::move(msg)});
}

void engine::forward(std::vector<signed_peer_entry> entries, const std::optional<peer_id>& except) {
  if (entries.empty())
    return;
  auto batch = cfg_.limits.max_announce_entries;
  for (const auto& to : links_.pick(cfg_.fanout, except, rng_)) {
    // A peer's own entry is never sent back to it.
    std::vector<signed_peer_entry> theirs;
    for (const auto& e : entries)
      if (e.peer() != to)
        theirs.push_back(e);
    for (std::size_t i = 0; i < theirs.size(); i += batch) {
      auto end = std::min(theirs.size(), i + batch);
      send(to, announce{{theirs.begin() + static_cast<std::ptrdiff_t>(i),
                         theirs.begin() + static_cast<std::ptrdiff_t>(end)}});
    }
  }
}

void engine::maintain(millis now) {
  dial_peers(now);
  dial_bootstrap(now);
  for (const auto& peer : links_.links())
    maybe_release(peer, now);
}

void engine::dial_peers(millis now) {
  std::vector<peer_info> candidates;
  for (auto& p : catalog_.signed_peers(now))
    if (!p.entry.addresses().empty() && links_.can_dial(p.entry.peer(), now)
        && !catalog_.banned(p.entry.peer(), now))
      candidates.push_back(std::move(p));
  auto dial = [&](std::size_t index, dial_reason why) {
    const auto& e = candidates[index].entry;
    links_.dial_started(e.peer(), why, now);
    out_.dials.push_back({e.peer(), {e.addresses().begin(), e.addresses().end()}});
    ++stats_.dials;
    candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(index));
  };
  auto have = links_.gossip().size() + links_.dials_for(dial_reason::fill);
  for (auto need = cfg_.min_gossip_peers > have ? cfg_.min_gossip_peers - have : 0;
       need > 0 && !candidates.empty(); --need)
    dial(rng_.below(candidates.size()), dial_reason::fill);
  // A peer we have heard nothing new from for three announce intervals may
  // sit across a healed partition: one probe at a time.
  if (links_.dials_for(dial_reason::probe) > 0)
    return;
  std::erase_if(candidates, [&](const peer_info& p) { return p.age <= 3 * cfg_.announce_interval; });
  if (!candidates.empty())
    dial(rng_.below(candidates.size()), dial_reason::probe);
}

void engine::dial_bootstrap(millis now) {
  auto fresh = catalog_.signed_peers(now);
  for (auto& entry : bootstrap_) {
    const auto& ep = entry.first; // named, not bound: lambdas capture it (clang 14)
    auto& b = entry.second;
    if (b.next_dial > now)
      continue;
    // A bootstrap node we know is dialled like any other peer; one we have
    // forgotten (purged, say across a long partition) is dialled again here.
    bool known = std::any_of(fresh.begin(), fresh.end(),
                             [&](const peer_info& p) { return p.entry.addresses().contains(ep); })
                 || (b.peer && (links_.is_link(*b.peer) || catalog_.get_signed(*b.peer, now)));
    if (known)
      continue;
    out_.dials.push_back({std::nullopt, {ep}});
    ++stats_.dials;
    b.next_dial = now + cfg_.redial_backoff;
  }
}

expected<bool, rejection> engine::add_tags(const std::vector<tag>& tags, millis now) {
  return update_local(now, [&](peer_entry& e) {
    for (const auto& t : tags)
      e.add_tag(t);
  });
}

expected<bool, rejection> engine::remove_tags(const std::vector<tag>& tags, millis now) {
  return update_local(now, [&](peer_entry& e) {
    for (const auto& t : tags)
      e.remove_tag(t);
  });
}

bool engine::feed(const signed_peer_entry& e, millis now) {
  bool fresh = catalog_.ingest(e, std::nullopt, now).has_value();
  if (fresh)
    forward({e}, std::nullopt);
  collect();
  return fresh;
}

void engine::dial(const std::vector<wire::endpoint>& addresses) {
  for (const auto& ep : addresses) {
    out_.dials.push_back({std::nullopt, {ep}});
    ++stats_.dials;
  }
}

void engine::sync_with(const peer_id& peer, millis now) {
  if (links_.is_link(peer)) {
    start_sync(peer, now);
    return;
  }
  const auto* known = catalog_.get_signed(peer, now);
  if (!known || known->entry().addresses().empty() || !links_.can_dial(peer, now)) {
    out_.syncs.push_back({peer, false});
    return;
  }
  links_.dial_started(peer, dial_reason::sync, now);
  const auto& addrs = known->entry().addresses();
  out_.dials.push_back({peer, {addrs.begin(), addrs.end()}});
  ++stats_.dials;
}

void engine::depart(millis now) {
  if (departed_)
    return;
  auto d = announcer_.depart(now);
  for (const auto& peer : links_.links())
    send(peer, d);
  departed_ = true;
}

output engine::take_output() {
  return std::exchange(out_, {});
}

millis engine::next_wakeup() const {
  if (departed_)
    return millis::max();
  auto next = next_maintenance_;
  soonest(next, announcer_.next_heartbeat());
  soonest(next, catalog_.next_expiry());
  soonest(next, links_.next_deadline());
  soonest(next, sync_.next_deadline());
  return next;
}

void engine::collect() {
  for (auto& ev : catalog_.take_events())
    out_.events.push_back(std::move(ev));
  for (auto& peer : catalog_.take_bans())
    out_.bans.push_back(peer);
}

} // namespace mosaik::discovery
