#include "actors/core/link/dial_table.hpp"

#include <algorithm>
#include <utility>

namespace mosaik::link {

using wire::close_reason;

dial_table::dial_table(const link_config& cfg)
  : reconnect_(cfg.reconnect), max_learned_(cfg.max_learned_dials), max_failures_(cfg.max_dial_failures) {}

void dial_table::add(const peer_address& address, bool persistent) {
  for (auto& [id, d] : dials_)
    if (d.address.endpoint == address.endpoint) {
      d.persistent = d.persistent || persistent;
      if (address.peer)
        d.address.peer = address.peer;
      return;
    }
  if (!persistent && learned() >= max_learned_) {
    ++out_.refused;
    return;
  }
  auto id = next_id_++;
  auto& d = dials_[id];
  d.address = address;
  d.persistent = persistent;
  d.backoff = link::backoff{reconnect_};
  start(id, d);
}

void dial_table::on_retry_timer(std::uint64_t dial, std::uint64_t attempt) {
  auto i = dials_.find(dial);
  if (i != dials_.end() && i->second.attempt == attempt)
    start(dial, i->second);
}

void dial_table::on_connected(std::uint64_t dial) {
  auto i = dials_.find(dial);
  if (i != dials_.end() && i->second.current == entry::phase::connecting)
    i->second.current = entry::phase::handshaking;
}

void dial_table::on_answered(std::uint64_t dial, const peer_id& peer) {
  if (auto i = dials_.find(dial); i != dials_.end())
    i->second.answered = peer;
}

void dial_table::on_failed(std::uint64_t dial, close_reason reason, std::mt19937_64& rng) {
  auto i = dials_.find(dial);
  if (i == dials_.end())
    return;
  auto& d = i->second;
  if (reason == close_reason::self_connection) {
    out_.forgotten.push_back({d.address, true, d.failures});
    dials_.erase(i);
    return;
  }
  if (!d.persistent && ++d.failures >= max_failures_) {
    out_.forgotten.push_back({d.address, false, d.failures});
    dials_.erase(i);
    return;
  }
  retry(dial, d, rng);
}

void dial_table::on_linked(std::uint64_t dial, const peer_id& peer) {
  auto i = dials_.find(dial);
  if (i == dials_.end())
    return;
  auto& d = i->second;
  d.current = entry::phase::linked;
  d.linked_peer = peer;
  d.answered.reset();
  d.backoff.reset();
  d.failures = 0;
}

void dial_table::on_link_up(const peer_id& peer) {
  linked_.insert(peer);
}

void dial_table::on_link_down(const peer_id& peer, const wire::endpoint& address, close_reason reason,
                              std::mt19937_64& rng) {
  linked_.erase(peer);
  if (departed_)
    return;
  // A peer that left or a link nobody needs is not dialled again, unless a
  // bootstrap address keeps it.
  bool ended = reason == close_reason::departing || reason == close_reason::released;
  for (auto i = dials_.begin(); i != dials_.end(); ++i) {
    auto& d = i->second;
    if (d.linked_peer != peer && d.address.peer != peer && d.address.endpoint != address)
      continue;
    if (!d.persistent && ended) {
      dials_.erase(i);
      return;
    }
    d.linked_peer.reset();
    if (d.current == entry::phase::linked)
      retry(i->first, d, rng);
    return;
  }
  if (!ended && address.port != 0)
    add(peer_address{peer, address}, false);
}

dial_output dial_table::take_output() {
  return std::exchange(out_, {});
}

const peer_address* dial_table::address(std::uint64_t dial) const {
  auto i = dials_.find(dial);
  return i == dials_.end() ? nullptr : &i->second.address;
}

bool dial_table::handshaking_with(const peer_id& peer) const {
  return std::any_of(dials_.begin(), dials_.end(), [&](const auto& kv) {
    const auto& d = kv.second;
    auto target = d.address.peer ? d.address.peer : d.answered;
    return d.current == entry::phase::handshaking && target == peer;
  });
}

bool dial_table::pins(const peer_id& peer) const {
  return std::any_of(dials_.begin(), dials_.end(), [&](const auto& kv) {
    const auto& d = kv.second;
    return d.persistent && (d.linked_peer == peer || d.address.peer == peer);
  });
}

void dial_table::start(std::uint64_t id, entry& d) {
  if (d.current != entry::phase::waiting || departed_)
    return;
  if (d.address.peer && linked_.count(*d.address.peer) != 0) {
    d.current = entry::phase::linked;
    d.linked_peer = d.address.peer;
    return;
  }
  ++d.attempt;
  d.current = entry::phase::connecting;
  d.answered.reset();
  out_.connects.push_back({id, d.address.endpoint});
}

void dial_table::retry(std::uint64_t id, entry& d, std::mt19937_64& rng) {
  d.current = entry::phase::waiting;
  d.answered.reset();
  if (departed_)
    return;
  auto attempt = ++d.attempt;
  out_.retries.push_back({id, attempt, d.backoff.next(rng)});
}

std::size_t dial_table::learned() const {
  return static_cast<std::size_t>(
    std::count_if(dials_.begin(), dials_.end(), [](const auto& kv) { return !kv.second.persistent; }));
}

} // namespace mosaik::link
