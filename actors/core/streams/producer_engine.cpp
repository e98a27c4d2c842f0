#include "actors/core/streams/producer_engine.hpp"

#include "actors/core/check.hpp"
#include "actors/core/overloaded.hpp"

#include <algorithm>
#include <utility>

namespace mosaik::streams {

std::string_view to_string(send_status s) {
  switch (s) {
    case send_status::sent: return "sent";
    case send_status::offline: return "offline";
    case send_status::full: return "full";
    case send_status::closed: return "closed";
    case send_status::too_large: return "too large";
  }
  return "unknown";
}

producer_engine::producer_engine(producer_config cfg)
  : cfg_(std::move(cfg)), online_(cfg_.online_when) {
  const auto& o = cfg_.options;
  MOSAIK_CHECK(o.buffer_size > 0 && o.buffer_bytes > 0 && o.max_batch_datums > 0
                 && o.max_batch_datums <= streams::max_batch_datums && o.max_batch_bytes > 0
                 && o.max_batch_bytes <= max_datum_bytes,
               "producer_options: buffer_size ", o.buffer_size, ", max_batch_datums ",
               o.max_batch_datums, ", max_batch_bytes ", o.max_batch_bytes);
  evaluate_online();
}

void producer_engine::on_subscribe(const peer_id& from, const std::optional<peer_description>& peer,
                                   const subscribe& s, millis now) {
  if (closed_)
    return refuse(from, s.sub, close_code::graceful_shutdown, "the producer is closing");
  if (!peer)
    return refuse(from, s.sub, close_code::unknown_peer, "not in the producer's catalog");
  if (s.network != cfg_.network)
    return refuse(from, s.sub, close_code::different_network, "network " + s.network.short_hex());
  if (s.stream != cfg_.stream)
    return refuse(from, s.sub, close_code::stream_not_found, "stream " + s.stream.short_hex());
  if (subs_.contains({from, s.sub}))
    return; // a repeated subscribe changes nothing
  auto limit = cfg_.options.max_consumers;
  if (limit != 0 && subs_.size() >= limit)
    return refuse(from, s.sub, close_code::no_capacity,
                  std::to_string(limit) + " consumers already");
  if (cfg_.require && !cfg_.require(*peer))
    return refuse(from, s.sub, close_code::not_allowed, "require() refused the consumer");
  subscription sub{*peer, {}, 0, s.initial_credit, {}, {}};
  if (s.initial_credit_bytes)
    sub.credit_bytes = static_cast<std::int64_t>(std::min(*s.initial_credit_bytes, max_credit_bytes));
  sub.stats.connected_since = now;
  subs_.emplace(key{from, s.sub}, std::move(sub));
  ++counters_.consumers_accepted;
  send(from, accepted{s.sub, cfg_.epoch, next_seq_});
  evaluate_online();
}

void producer_engine::on_credit(const peer_id& from, const credit& c) {
  auto it = subs_.find({from, c.sub});
  if (it == subs_.end())
    return; // late, for a subscription already ended
  auto& have = it->second.credit;
  have = c.datums > ~std::uint64_t{0} - have ? ~std::uint64_t{0} : have + c.datums;
  if (auto& bytes = it->second.credit_bytes) {
    auto more = static_cast<std::int64_t>(std::min(c.bytes, max_credit_bytes));
    *bytes = std::min(*bytes + more, static_cast<std::int64_t>(max_credit_bytes));
  }
}

void producer_engine::on_unsubscribe(const peer_id& from, const unsubscribe& u) {
  auto it = subs_.find({from, u.sub});
  if (it == subs_.end())
    return;
  out_.ended.push_back({from, u.sub, u.code, true, false});
  subs_.erase(it);
  evaluate_online();
}

void producer_engine::link_down(const peer_id& peer) {
  bool any = false;
  for (auto it = subs_.lower_bound({peer, 0}); it != subs_.end() && it->first.first == peer;) {
    out_.ended.push_back({peer, it->first.second, close_code::cancelled, true, false});
    it = subs_.erase(it);
    any = true;
  }
  if (any)
    evaluate_online();
}

void producer_engine::on_message(const peer_id& from, const std::optional<peer_description>& peer,
                                 const stream_message& m, millis now) {
  std::visit(overloaded{
               [&](const subscribe& s) { on_subscribe(from, peer, s, now); },
               [&](const credit& c) { on_credit(from, c); },
               [&](const unsubscribe& u) { on_unsubscribe(from, u); },
               [](const auto&) {},
             },
             m);
}

void producer_engine::on_catalog(std::span<const peer_description> peers) {
  auto find = [&](const peer_id& id) {
    return std::find_if(peers.begin(), peers.end(),
                        [&](const peer_description& p) { return p.entry.peer() == id; });
  };
  bool changed = false;
  for (auto it = subs_.begin(); it != subs_.end();) {
    auto next = std::next(it);
    auto found = find(it->first.first);
    if (found == peers.end()) {
      end(it, close_code::unknown_peer, "left the producer's catalog", true);
      changed = true;
    } else if (cfg_.require && !cfg_.require(*found)) {
      end(it, close_code::not_allowed, "require() no longer holds", true);
      changed = true;
    } else {
      changed |= !(it->second.peer.entry == found->entry) || it->second.peer.rtt != found->rtt;
      it->second.peer = *found;
    }
    it = next;
  }
  if (changed)
    evaluate_online();
}

send_outcome producer_engine::try_send(shared_datum d) {
  MOSAIK_CHECK(d != nullptr, "try_send without a datum");
  if (closed_)
    return {send_status::closed, std::move(d)};
  if (d->size() > max_datum_bytes)
    return {send_status::too_large, std::move(d)};
  if (!online())
    return {send_status::offline, std::move(d)};
  auto size = d->size();
  bool room = subs_.empty() || std::any_of(subs_.begin(), subs_.end(), [&](const auto& s) {
                return fits(s.second, size);
              });
  if (!room)
    return {send_status::full, std::move(d)};
  queued_datum q{next_seq_++, std::move(d)};
  if (subs_.empty() && cfg_.keep_undelivered)
    out_.undelivered.push_back(q.d);
  bool lost_one = false;
  for (auto it = subs_.begin(); it != subs_.end();) {
    auto next = std::next(it);
    if (fits(it->second, size)) {
      it->second.queue.push_back(q);
      it->second.queued_bytes += size;
    } else
      lost_one |= !overflow(it, q);
    it = next;
  }
  if (lost_one)
    evaluate_online();
  return {send_status::sent, nullptr, q.seq};
}

bool producer_engine::fits(const subscription& s, std::size_t size) const {
  const auto& o = cfg_.options;
  return s.queue.size() < o.buffer_size && (s.queue.empty() || s.queued_bytes + size <= o.buffer_bytes);
}

void producer_engine::pop_oldest(subscription& s) {
  s.queued_bytes -= s.queue.front().d->size();
  s.queue.pop_front();
}

bool producer_engine::overflow(std::map<key, subscription>::iterator it, const queued_datum& d) {
  auto& s = it->second;
  if (cfg_.options.disconnect_lagging) {
    ++counters_.items_dropped;
    end(it, close_code::too_slow,
        std::to_string(s.queue.size()) + " datums (" + std::to_string(s.queued_bytes)
          + " bytes) queued without credit",
        true);
    return false;
  }
  auto size = d.d->size();
  while (!fits(s, size)) {
    ++counters_.items_dropped;
    pop_oldest(s);
  }
  s.queue.push_back(d);
  s.queued_bytes += size;
  return true;
}

void producer_engine::shutdown() {
  if (closed_)
    return;
  closed_ = true;
  while (!subs_.empty())
    end(subs_.begin(), close_code::graceful_shutdown, "the producer is closing", true);
  evaluate_online();
}

void producer_engine::refuse(const peer_id& to, subscription_id sub, close_code code,
                             std::string detail) {
  ++counters_.consumers_rejected;
  send(to, stream_close{sub, code, std::move(detail)});
  out_.ended.push_back({to, sub, code, false, true});
}

void producer_engine::end(std::map<key, subscription>::iterator it, close_code code,
                          std::string detail, bool tell) {
  auto [peer, sub] = it->first;
  if (tell)
    send(peer, stream_close{sub, code, std::move(detail)});
  out_.ended.push_back({peer, sub, code, false, false});
  subs_.erase(it);
}

void producer_engine::flush(const key& k, subscription& s) {
  const auto& o = cfg_.options;
  auto has_bytes = [&] { return !s.credit_bytes || *s.credit_bytes > 0; };
  while (!s.queue.empty() && s.credit > 0 && has_bytes()) {
    batch b{k.second, s.queue.front().seq, {}};
    std::size_t bytes = 0;
    auto limit = std::min<std::uint64_t>(s.credit, o.max_batch_datums);
    while (!s.queue.empty() && b.datums.size() < limit && has_bytes()) {
      auto size = s.queue.front().d->size();
      if (!b.datums.empty() && bytes + size > o.max_batch_bytes)
        break;
      bytes += size;
      if (s.credit_bytes)
        *s.credit_bytes -= static_cast<std::int64_t>(size);
      b.datums.push_back(s.queue.front().d);
      pop_oldest(s);
    }
    s.credit -= b.datums.size();
    s.stats.datums += b.datums.size();
    s.stats.bytes += bytes;
    counters_.items_sent += b.datums.size();
    counters_.bytes_sent += bytes;
    ++counters_.batches_sent;
    send(k.first, std::move(b));
  }
}

void producer_engine::evaluate_online() {
  std::vector<peer_description> connected;
  connected.reserve(subs_.size());
  for (const auto& [k, s] : subs_)
    connected.push_back(s.peer);
  if (auto edge = online_.update(connected); edge != condition_edge::none)
    out_.online_edges.push_back(edge);
}

producer_output producer_engine::take_output() {
  for (auto& [k, s] : subs_)
    flush(k, s);
  return std::exchange(out_, {});
}

std::vector<producer_channel> producer_engine::consumers() const {
  std::vector<producer_channel> out;
  out.reserve(subs_.size());
  for (const auto& [k, s] : subs_)
    out.push_back({k.first, k.second, s.peer, s.stats, s.queue.size(), s.queued_bytes, s.credit,
                   s.credit_bytes});
  return out;
}

void producer_engine::send(const peer_id& to, stream_message m) {
  out_.messages.emplace_back(outgoing{to, std::move(m)});
}

} // namespace mosaik::streams
