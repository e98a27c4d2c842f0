#include "tests/support/discovery_sim.hpp"

#include "schemas/codec/discovery_codec.hpp"

#include <algorithm>

namespace mosaik::sim {

namespace {

wire::endpoint address_of(std::size_t i) {
  return {"10." + std::to_string(i / 65536) + "." + std::to_string(i / 256 % 256) + "."
            + std::to_string(i % 256),
          4000};
}

secret_key key_of(std::uint64_t seed, std::size_t i) {
  discovery::rng r{seed * 0x9e3779b97f4a7c15ull + i};
  secret_key::seed_type raw;
  for (auto& b : raw)
    b = static_cast<std::uint8_t>(r.next());
  return secret_key::from_seed(raw);
}

const network_id& sim_network() {
  static const auto id = network_id::from("mosaik-discovery-sim");
  return id;
}

} // namespace

discovery_sim::discovery_sim(discovery_sim_options opts)
  : opts_(std::move(opts)), rng_(opts_.seed), nodes_(opts_.nodes) {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    ids_.push_back(key_of(opts_.seed, i).public_id());
    by_id_.emplace(ids_.back(), i);
    by_address_.emplace(address_of(i), i);
    // The bootstrap node is up first; the others join within start_spread.
    nodes_[i].start_at = i == 0 ? millis{0} : millis{rng_.between(1, opts_.start_spread.count())};
    if (opts_.last_starts_at && i + 1 == nodes_.size())
      nodes_[i].start_at = *opts_.last_starts_at;
    schedule(nodes_[i].start_at, kind::start, i);
  }
}

discovery::config discovery_sim::config_for(std::size_t i) const {
  auto cfg = opts_.cfg;
  cfg.seed = opts_.seed * 7919 + i;
  if (opts_.bootstrap_from_first && i != 0)
    cfg.bootstrap = {address_of(0)};
  return cfg;
}

std::optional<std::size_t> discovery_sim::index_of(const peer_id& peer) const {
  auto it = by_id_.find(peer);
  if (it == by_id_.end())
    return std::nullopt;
  return it->second;
}

void discovery_sim::schedule(millis at, kind what, std::size_t node, std::size_t other,
                             std::uint64_t tag, bytes payload) {
  queue_.push(event{at, seq_++, what, node, other, tag, std::move(payload)});
}

void discovery_sim::run_until(millis until) {
  while (!queue_.empty() && queue_.top().at <= until) {
    // Only the payload is moved out; the heap order (at, seq) is intact.
    auto ev = std::move(const_cast<event&>(queue_.top()));
    queue_.pop();
    elapsed_ = std::max(elapsed_, ev.at);
    handle(ev);
  }
  elapsed_ = std::max(elapsed_, until);
}

std::optional<discovery_sim::millis> discovery_sim::run_until(const std::function<bool()>& done,
                                                              millis limit, millis step) {
  auto end = elapsed_ + limit;
  while (elapsed_ < end) {
    run_until(std::min(end, elapsed_ + step));
    if (done())
      return elapsed_;
  }
  return std::nullopt;
}

bool discovery_sim::converged() const {
  for (std::size_t i = 0; i < size(); ++i) {
    if (!alive(i))
      continue;
    for (std::size_t j = 0; j < size(); ++j)
      if (j != i && alive(j) && !node(i).catalog().get_signed(ids_[j], now()))
        return false;
  }
  return true;
}

std::uint64_t discovery_sim::messages_sent() const {
  std::uint64_t total = 0;
  for (const auto& n : nodes_)
    total += n.sent.messages;
  return total;
}

bool discovery_sim::reachable(std::size_t a, std::size_t b) const {
  return !partitioned_ || cut_.contains(a) == cut_.contains(b);
}

discovery_sim::millis discovery_sim::latency() {
  return millis{rng_.between(opts_.min_latency.count(), opts_.max_latency.count())};
}

void discovery_sim::handle(event& ev) {
  auto& n = nodes_[ev.node];
  switch (ev.what) {
    case kind::start: {
      n.eng.emplace(config_for(ev.node), sim_network(), key_of(opts_.seed, ev.node),
                    discovery::peer_entry::address_set{address_of(ev.node)}, now());
      n.state = phase::running;
      dispatch(ev.node);
      return;
    }
    case kind::wakeup:
      if (n.state != phase::running || ev.tag != n.wakeup_gen)
        return;
      n.wakeup_at.reset();
      n.eng->tick(now());
      dispatch(ev.node);
      return;
    case kind::deliver: {
      if (n.state != phase::running && n.state != phase::departing)
        return;
      if (ev.tag != 0) { // 0: injected by a test, not bound to a link
        auto link = links_.find(key(ev.node, ev.other));
        bool open = link != links_.end() && link->second == ev.tag;
        if (!open && !draining_.contains(ev.tag))
          return;
      }
      if (!reachable(ev.node, ev.other))
        return;
      auto msg = codec::decode_discovery(ev.payload);
      if (msg)
        n.eng->on_message(ids_[ev.other], *msg, now());
      else {
        ++decode_failures_;
        n.eng->on_malformed(ids_[ev.other], now());
      }
      dispatch(ev.node);
      return;
    }
    case kind::connect: {
      auto a = ev.node, b = ev.other;
      if (n.state != phase::running || links_.contains(key(a, b)))
        return;
      if (nodes_[b].state != phase::running) {
        n.eng->on_dial_failed(ids_[b], now());
        dispatch(a);
        return;
      }
      if (!reachable(a, b))
        return; // the dial times out in the engine
      links_.emplace(key(a, b), next_epoch_++);
      n.eng->on_link_up(ids_[b], now(), address_of(b));
      dispatch(a);
      nodes_[b].eng->on_link_up(ids_[a], now(), address_of(a));
      dispatch(b);
      return;
    }
    case kind::link_down: {
      if (n.state != phase::running && n.state != phase::departing)
        return;
      // A newer link between the two replaced the one this notice is about.
      if (auto link = links_.find(key(ev.node, ev.other)); link != links_.end())
        return;
      n.eng->on_link_down(ids_[ev.other], now());
      dispatch(ev.node);
      return;
    }
    case kind::dial_failed:
      if (n.state != phase::running)
        return;
      n.eng->on_dial_failed(ids_[ev.other], now());
      dispatch(ev.node);
      return;
    case kind::stop: {
      n.state = phase::stopped;
      for (std::size_t peer = 0; peer < size(); ++peer)
        if (links_.contains(key(ev.node, peer)))
          close_link(ev.node, peer, elapsed_, elapsed_ + latency(), true);
      return;
    }
    case kind::cut_check: {
      if (!partitioned_)
        return;
      std::vector<link_key> cut;
      for (const auto& [k, epoch] : links_)
        if (!reachable(k.first, k.second))
          cut.push_back(k);
      for (const auto& [a, b] : cut)
        close_link(a, b, elapsed_, elapsed_, false);
      return;
    }
  }
}

void discovery_sim::dispatch(std::size_t i) {
  auto& n = nodes_[i];
  auto out = n.eng->take_output();
  for (auto& m : out.messages)
    if (auto to = index_of(m.to))
      send(i, *to, codec::encode_discovery(m.msg));
  for (const auto& d : out.dials)
    dial(i, d);
  auto drop = [&](const peer_id& peer) {
    auto other = index_of(peer);
    if (other && links_.contains(key(i, *other)))
      close_link(i, *other, elapsed_, elapsed_ + latency(), true);
  };
  for (const auto& peer : out.releases)
    drop(peer);
  for (const auto& peer : out.bans)
    drop(peer);
  if (n.state != phase::running)
    return;
  auto wake = n.eng->next_wakeup() - opts_.epoch;
  if (!n.wakeup_at || wake < *n.wakeup_at) {
    n.wakeup_at = wake;
    schedule(std::max(wake, elapsed_), kind::wakeup, i, 0, ++n.wakeup_gen);
  }
}

void discovery_sim::send(std::size_t from, std::size_t to, bytes payload) {
  auto& sent = nodes_[from].sent;
  ++sent.messages;
  sent.bytes += payload.size();
  auto link = links_.find(key(from, to));
  if (link == links_.end() || (opts_.loss > 0 && rng_.unit() < opts_.loss))
    return;
  // Links are FIFO, like the TCP connections under them.
  auto& last = fifo_[{from, to}];
  auto at = std::max(elapsed_ + latency(), last);
  last = at;
  schedule(at, kind::deliver, to, from, link->second, std::move(payload));
}

void discovery_sim::dial(std::size_t from, const discovery::dial_request& d) {
  std::optional<std::size_t> target;
  if (d.peer)
    target = index_of(*d.peer);
  for (const auto& a : d.addresses)
    if (!target)
      if (auto it = by_address_.find(a); it != by_address_.end())
        target = it->second;
  if (!target || *target == from || links_.contains(key(from, *target)))
    return;
  if (nodes_[*target].state == phase::stopped) {
    if (d.peer) // refused at once; a bootstrap dial simply gets nowhere
      schedule(elapsed_ + latency(), kind::dial_failed, from, *target);
    return;
  }
  if (!reachable(from, *target))
    return;
  schedule(elapsed_ + 2 * latency(), kind::connect, from, *target);
}

void discovery_sim::close_link(std::size_t a, std::size_t b, millis notice_a, millis notice_b,
                               bool graceful) {
  auto it = links_.find(key(a, b));
  if (it == links_.end())
    return;
  auto epoch = it->second;
  links_.erase(it);
  if (graceful) {
    draining_.insert(epoch);
    // FIFO: the close reaches each side after what the other side sent.
    notice_a = std::max(notice_a, fifo_[{b, a}] + millis{1});
    notice_b = std::max(notice_b, fifo_[{a, b}] + millis{1});
  }
  schedule(notice_a, kind::link_down, a, b, epoch);
  schedule(notice_b, kind::link_down, b, a, epoch);
}

void discovery_sim::partition(const std::vector<std::size_t>& side) {
  cut_ = {side.begin(), side.end()};
  partitioned_ = true;
  schedule(elapsed_ + opts_.link_timeout, kind::cut_check, 0);
}

void discovery_sim::heal() {
  partitioned_ = false;
  cut_.clear();
}

void discovery_sim::crash(std::size_t i) {
  nodes_[i].state = phase::stopped;
  for (std::size_t peer = 0; peer < size(); ++peer)
    if (links_.contains(key(i, peer)))
      close_link(i, peer, elapsed_, elapsed_ + opts_.link_timeout, false);
}

void discovery_sim::depart(std::size_t i) {
  auto& n = nodes_[i];
  if (n.state != phase::running)
    return;
  n.eng->depart(now());
  dispatch(i);
  n.state = phase::departing;
  schedule(elapsed_ + opts_.cfg.graceful_departure_window, kind::stop, i);
}

void discovery_sim::inject(std::size_t from, std::size_t to, bytes payload) {
  schedule(elapsed_ + latency(), kind::deliver, to, from, 0, std::move(payload));
}

} // namespace mosaik::sim
