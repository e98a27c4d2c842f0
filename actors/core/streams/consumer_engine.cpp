#include "actors/core/streams/consumer_engine.hpp"

#include "actors/core/check.hpp"
#include "actors/core/overloaded.hpp"

#include <algorithm>
#include <utility>

namespace mosaik::streams {

namespace {

/// Producers remembered for gap reports after their channel ended.
constexpr std::size_t max_positions = 4096;

bool lists_stream(const peer_description& p, const stream_id& s) {
  return p.entry.streams().contains(s);
}

/// Takes the batch's bytes off `credit` as the producer did: each datum
/// while the credit is positive. False when one came without.
bool take_bytes(std::int64_t& credit, const batch& b) {
  for (const auto& d : b.datums) {
    if (credit <= 0)
      return false;
    credit -= static_cast<std::int64_t>(d->size());
  }
  return true;
}

} // namespace

std::string_view to_string(channel_state s) {
  switch (s) {
    case channel_state::connecting: return "connecting";
    case channel_state::connected: return "connected";
    case channel_state::waiting: return "waiting";
  }
  return "unknown";
}

bool consumer_output::empty() const {
  return messages.empty() && deliveries.empty() && gaps.empty() && rtt_probes.empty()
         && catalog_syncs.empty() && online_edges.empty() && ended.empty();
}

consumer_engine::consumer_engine(consumer_config cfg)
  : cfg_(std::move(cfg)), rng_(cfg_.seed), online_(cfg_.online_when) {
  const auto& o = cfg_.options;
  MOSAIK_CHECK(o.receive_window > 0 && o.receive_window_bytes > 0
                 && o.receive_window_bytes <= max_credit_bytes,
               "consumer_options: receive_window ", o.receive_window, ", receive_window_bytes ",
               o.receive_window_bytes);
  evaluate_online();
}

bool consumer_engine::eligible(const peer_description& p) const {
  return p.entry.peer() != cfg_.self && lists_stream(p, cfg_.stream)
         && (!cfg_.require || cfg_.require(p));
}

void consumer_engine::on_catalog(std::span<const peer_description> peers, millis now) {
  if (closed_)
    return;
  for (const auto& p : peers) {
    const auto& id = p.entry.peer();
    if (id == cfg_.self || !lists_stream(p, cfg_.stream))
      continue;
    if (auto it = channels_.find(id); it != channels_.end()) {
      reevaluate_ |= !(it->second.peer.entry == p.entry) || it->second.peer.rtt != p.rtt;
      it->second.peer = p;
      continue;
    }
    if (!p.rtt) {
      auto probed = probed_.find(id);
      if (probed == probed_.end() || now - probed->second >= cfg_.options.handshake_timeout) {
        probed_[id] = now;
        out_.rtt_probes.push_back(id);
      }
      continue;
    }
    probed_.erase(id);
    if (eligible(p))
      open(p, now);
  }
  for (auto it = channels_.begin(); it != channels_.end();) {
    auto next = std::next(it);
    auto found = std::find_if(peers.begin(), peers.end(), [&](const peer_description& p) {
      return p.entry.peer() == it->first;
    });
    if (found == peers.end() || !eligible(*found)) {
      drop(it, found == peers.end() ? "the producer left the catalog"
                                    : "the producer no longer qualifies");
    }
    it = next;
  }
  std::erase_if(probed_, [&](const auto& kv) {
    return std::none_of(peers.begin(), peers.end(),
                        [&](const peer_description& p) { return p.entry.peer() == kv.first; });
  });
  evaluate_online();
}

void consumer_engine::open(const peer_description& p, millis now) {
  channel c{0, channel_state::connecting, p, backoff{cfg_.options.backoff, now}, now, {}, 0, 0,
            false, {}};
  auto [it, inserted] = channels_.emplace(p.entry.peer(), std::move(c));
  MOSAIK_CHECK(inserted, "a second channel to ", p.entry.peer().short_hex());
  send_subscribe(it->first, it->second, now);
}

void consumer_engine::send_subscribe(const peer_id& producer, channel& c, millis now) {
  auto& pos = position_of(producer);
  MOSAIK_CHECK(pos.unconsumed <= cfg_.options.receive_window, "unconsumed ", pos.unconsumed,
               " beyond the window ", cfg_.options.receive_window);
  // A retry: the producer may still hold the previous attempt (its link
  // never dropped); without this it would keep a queue and a slot for it.
  if (c.sub != 0)
    send(producer, unsubscribe{c.sub, close_code::cancelled, "replaced by a new subscription"});
  c.sub = rng_.next() | 1;
  c.state = channel_state::connecting;
  c.since = now;
  c.retry_at.reset();
  c.credit = cfg_.options.receive_window - pos.unconsumed;
  c.credit_bytes = std::max<std::int64_t>(
    0, static_cast<std::int64_t>(cfg_.options.receive_window_bytes) - static_cast<std::int64_t>(pos.unconsumed_bytes));
  c.datum_since_connect = false;
  pos.to_grant = 0;
  ++counters_.subscribes_sent;
  send(producer, subscribe{c.sub, cfg_.network, cfg_.stream, criteria{}, c.credit,
                           static_cast<std::uint64_t>(c.credit_bytes)});
}

void consumer_engine::drop(channel_map::iterator it, std::string detail) {
  if (it->second.state != channel_state::waiting)
    send(it->first, unsubscribe{it->second.sub, close_code::cancelled, std::move(detail)});
  terminate(it, std::nullopt);
}

void consumer_engine::terminate(channel_map::iterator it, std::optional<close_code> code) {
  reevaluate_ = true;
  out_.ended.push_back({it->first, code, true, std::nullopt});
  channels_.erase(it);
}

void consumer_engine::fail(channel_map::iterator it, std::optional<close_code> code, millis now) {
  auto& c = it->second;
  reevaluate_ = true;
  auto wait = c.retry.next(now, rng_);
  if (!wait)
    return terminate(it, code);
  c.state = channel_state::waiting;
  c.since = now;
  c.retry_at = now + *wait;
  c.stats.connected_since.reset();
  out_.ended.push_back({it->first, code, false, c.retry_at});
}

void consumer_engine::on_message(const peer_id& from, const stream_message& m, millis now) {
  if (closed_)
    return;
  std::visit(overloaded{
               [&](const accepted& a) { on_accepted(from, a, now); },
               [&](const batch& b) { on_batch(from, b, now); },
               [&](const stream_close& c) { on_close(from, c, now); },
               [](const auto&) {},
             },
             m);
  evaluate_online();
}

consumer_engine::channel_map::iterator consumer_engine::current(const peer_id& from,
                                                                subscription_id sub,
                                                                bool tell_stale) {
  auto it = channels_.find(from);
  if (it != channels_.end() && it->second.sub == sub && it->second.state != channel_state::waiting)
    return it;
  if (tell_stale)
    send(from, unsubscribe{sub, close_code::cancelled, "no such subscription"});
  return channels_.end();
}

void consumer_engine::on_accepted(const peer_id& from, const accepted& a, millis now) {
  auto it = current(from, a.sub, true);
  if (it == channels_.end())
    return;
  auto& c = it->second;
  if (c.state != channel_state::connecting) {
    send(from, unsubscribe{c.sub, close_code::protocol_violation,
                                               "accepted twice"});
    return terminate(it, close_code::protocol_violation);
  }
  c.state = channel_state::connected;
  reevaluate_ = true;
  c.since = now;
  c.stats.connected_since = now;
  auto& pos = position_of(from);
  if (pos.known && pos.epoch != a.epoch) {
    report({from, 1, a.next_seq - 1, gap_cause::restart});
  } else if (pos.known && a.next_seq > pos.next_seq) {
    report({from, pos.next_seq, a.next_seq - pos.next_seq, gap_cause::reconnect});
  }
  if (!pos.known || pos.epoch != a.epoch || a.next_seq > pos.next_seq)
    pos.next_seq = a.next_seq;
  pos.epoch = a.epoch;
  pos.known = true;
}

void consumer_engine::report(gap g) {
  counters_.datums_missed += g.missing;
  if (!cfg_.bugs.hide_gaps)
    out_.gaps.push_back(g);
}

void consumer_engine::on_batch(const peer_id& from, const batch& b, millis now) {
  auto it = current(from, b.sub, true);
  if (it == channels_.end())
    return;
  auto& c = it->second;
  auto n = b.datums.size();
  const char* why = nullptr;
  if (c.state != channel_state::connected)
    why = "a batch before accepted";
  else if (n > c.credit || b.datums.empty())
    why = "a batch beyond the credit granted";
  else if (!take_bytes(c.credit_bytes, b))
    why = "a batch beyond the byte credit granted";
  if (why != nullptr) {
    send(from, unsubscribe{c.sub, close_code::protocol_violation, why});
    return terminate(it, close_code::protocol_violation);
  }
  c.credit -= n;
  auto& pos = position_of(from);
  std::uint64_t skip = 0;
  if (b.first_seq < pos.next_seq)
    skip = std::min<std::uint64_t>(n, pos.next_seq - b.first_seq);
  else if (b.first_seq > pos.next_seq) {
    report({from, pos.next_seq, b.first_seq - pos.next_seq, gap_cause::lagging});
  }
  counters_.duplicates_dropped += skip;
  pos.to_grant += skip;
  if (skip < n) {
    delivery d{from, b.first_seq + skip, {b.datums.begin() + static_cast<std::ptrdiff_t>(skip),
                                          b.datums.end()}};
    std::uint64_t bytes = 0;
    for (const auto& datum : d.datums)
      bytes += datum->size();
    auto fresh = n - skip;
    pos.unconsumed += fresh;
    pos.unconsumed_bytes += bytes;
    pos.next_seq = b.first_seq + n;
    c.stats.datums += fresh;
    c.stats.bytes += bytes;
    counters_.items_received += fresh;
    counters_.bytes_received += bytes;
    out_.deliveries.push_back(std::move(d));
  }
  if (!c.datum_since_connect) {
    c.datum_since_connect = true;
    c.retry.reset(now);
  }
  grant(from, pos);
}

void consumer_engine::on_close(const peer_id& from, const stream_close& cl, millis now) {
  auto it = current(from, cl.sub, false);
  if (it == channels_.end())
    return;
  switch (cl.code) {
    case close_code::unknown_peer:
      out_.catalog_syncs.push_back(from);
      return fail(it, cl.code, now);
    case close_code::not_allowed:
    case close_code::graceful_shutdown:
    case close_code::stream_not_found:
    case close_code::different_network: return terminate(it, cl.code);
    default: return fail(it, cl.code, now);
  }
}

void consumer_engine::link_down(const peer_id& peer, millis now) {
  if (closed_)
    return;
  auto it = channels_.find(peer);
  if (it != channels_.end() && it->second.state != channel_state::waiting)
    fail(it, std::nullopt, now);
  evaluate_online();
}

void consumer_engine::tick(millis now) {
  if (closed_)
    return;
  for (auto it = channels_.begin(); it != channels_.end();) {
    auto next = std::next(it);
    auto& c = it->second;
    if (c.state == channel_state::waiting && c.retry_at && *c.retry_at <= now) {
      send_subscribe(it->first, c, now);
    } else if (c.state == channel_state::connecting
               && now - c.since >= cfg_.options.handshake_timeout) {
      send(it->first, unsubscribe{c.sub, close_code::cancelled, "handshake timed out"});
      fail(it, std::nullopt, now);
    }
    it = next;
  }
  evaluate_online();
}

std::optional<millis> consumer_engine::next_tick() const {
  std::optional<millis> when;
  for (const auto& [id, c] : channels_) {
    std::optional<millis> due;
    if (c.state == channel_state::waiting)
      due = c.retry_at;
    else if (c.state == channel_state::connecting)
      due = c.since + cfg_.options.handshake_timeout;
    if (due && (!when || *due < *when))
      when = due;
  }
  return when;
}

void consumer_engine::consumed(const peer_id& producer, std::uint64_t datums, std::uint64_t bytes) {
  if (datums == 0)
    return;
  auto found = positions_.find(producer);
  auto* pos = found == positions_.end() ? nullptr : &found->second;
  MOSAIK_CHECK(pos != nullptr && datums <= pos->unconsumed && bytes <= pos->unconsumed_bytes,
               "consumed ", datums, " datums (", bytes, " bytes) of ", producer.short_hex(),
               " beyond what was delivered (", pos ? pos->unconsumed : 0, " datums, ",
               pos ? pos->unconsumed_bytes : 0, " bytes)");
  pos->unconsumed -= datums;
  pos->unconsumed_bytes -= bytes;
  pos->to_grant += datums;
  grant(producer, *pos);
}

void consumer_engine::grant(const peer_id& producer, position& pos) {
  auto it = channels_.find(producer);
  if (closed_ || it == channels_.end() || it->second.state != channel_state::connected)
    return;
  auto& c = it->second;
  const auto& o = cfg_.options;
  auto threshold = std::max<std::uint64_t>(1, o.receive_window / 2);
  auto window_bytes = static_cast<std::int64_t>(o.receive_window_bytes);
  // How far the byte credit and what is held fall short of the window.
  auto short_bytes = window_bytes - static_cast<std::int64_t>(pos.unconsumed_bytes) - c.credit_bytes;
  bool due = pos.to_grant >= threshold || short_bytes >= std::max<std::int64_t>(1, window_bytes / 2);
  if (pos.to_grant == 0 || !due)
    return;
  auto bytes = std::max<std::int64_t>(0, short_bytes);
  c.credit += pos.to_grant;
  c.credit_bytes += bytes;
  send(producer, credit{c.sub, pos.to_grant, static_cast<std::uint64_t>(bytes)});
  pos.to_grant = 0;
}

consumer_engine::position& consumer_engine::position_of(const peer_id& producer) {
  if (!positions_.contains(producer) && positions_.size() >= max_positions) {
    auto idle = std::find_if(positions_.begin(), positions_.end(), [&](const auto& kv) {
      return kv.second.unconsumed == 0 && !channels_.contains(kv.first);
    });
    if (idle != positions_.end())
      positions_.erase(idle);
  }
  return positions_[producer];
}

void consumer_engine::shutdown() {
  if (closed_)
    return;
  while (!channels_.empty())
    drop(channels_.begin(), "the consumer is closing");
  closed_ = true;
  evaluate_online();
}

void consumer_engine::evaluate_online() {
  if (!reevaluate_)
    return;
  reevaluate_ = false;
  std::vector<peer_description> connected;
  for (const auto& [id, c] : channels_)
    if (c.state == channel_state::connected)
      connected.push_back(c.peer);
  if (auto edge = online_.update(connected); edge != condition_edge::none)
    out_.online_edges.push_back(edge);
}

consumer_output consumer_engine::take_output() {
  return std::exchange(out_, {});
}

std::vector<consumer_channel> consumer_engine::channels() const {
  std::vector<consumer_channel> out;
  for (const auto& [id, c] : channels_) {
    auto pos = positions_.find(id);
    auto unconsumed = pos == positions_.end() ? 0 : pos->second.unconsumed + pos->second.to_grant;
    auto held_bytes = pos == positions_.end() ? 0 : static_cast<std::int64_t>(pos->second.unconsumed_bytes);
    out.push_back({id, c.sub, c.state, c.peer, c.stats, c.credit + unconsumed,
                   static_cast<std::uint64_t>(std::max<std::int64_t>(0, c.credit_bytes) + held_bytes)});
  }
  return out;
}

void consumer_engine::send(const peer_id& to, stream_message m) {
  out_.messages.emplace_back(outgoing{to, std::move(m)});
}

} // namespace mosaik::streams
