#include "actors/core/link/link_table.hpp"

#include <utility>

namespace mosaik::link {

namespace {

using wire::frame_kind;

/// Credit grants and heartbeat acks carry one number, big-endian.
bytes encode_u64(std::uint64_t x) {
  bytes out(8);
  for (int i = 7; i >= 0; --i, x >>= 8)
    out[static_cast<size_t>(i)] = static_cast<std::uint8_t>(x);
  return out;
}

std::optional<std::uint64_t> decode_u64(const bytes& in) {
  if (in.size() != 8)
    return std::nullopt;
  std::uint64_t x = 0;
  for (auto b : in)
    x = (x << 8) | b;
  return x;
}

} // namespace

link_table::link_table(const link_config& cfg) : cfg_(cfg) {}

void link_table::establish(const peer_id& peer, conn_key conn, const wire::endpoint& address, side our_side) {
  entry l;
  l.id = next_id_++;
  l.peer = peer;
  l.conn = conn;
  l.address = address;
  l.our_side = our_side;
  l.heartbeat = heartbeat_monitor{cfg_.heartbeat_miss_budget};
  l.send = send_window{cfg_.send_backlog};
  l.receive = receive_window{cfg_.receive_window};
  by_conn_[conn] = peer;
  auto& fresh = links_.insert_or_assign(peer, std::move(l)).first->second;
  send(fresh, frame_kind::credit, {}, encode_u64(fresh.receive.window()));
}

std::optional<link_table::entry> link_table::remove(const peer_id& peer) {
  auto i = links_.find(peer);
  if (i == links_.end())
    return std::nullopt;
  auto l = std::move(i->second);
  links_.erase(i);
  by_conn_.erase(l.conn);
  return l;
}

void link_table::heard(const peer_id& peer) {
  links_.at(peer).heartbeat.heard();
}

void link_table::on_heartbeat(const peer_id& peer, std::uint64_t sequence) {
  send(links_.at(peer), frame_kind::heartbeat_ack, {}, encode_u64(sequence));
}

bool link_table::on_ack(const peer_id& peer, const bytes& payload, time_point now) {
  auto seq = decode_u64(payload);
  if (!seq)
    return false;
  auto& l = links_.at(peer);
  auto i = l.pings.find(*seq);
  if (i == l.pings.end())
    return true; // too old or a duplicate
  auto sample = std::chrono::duration_cast<std::chrono::microseconds>(now - i->second);
  l.rtt.sample(sample);
  l.pings.erase(l.pings.begin(), std::next(i));
  out_.rtts.push_back({peer, sample});
  return true;
}

bool link_table::on_credit(const peer_id& peer, const bytes& payload) {
  auto n = decode_u64(payload);
  if (!n)
    return false;
  auto& l = links_.at(peer);
  std::vector<wire::frame> ready;
  l.send.grant(*n, ready);
  send_ready(l, ready);
  if (l.send.take_writable())
    out_.writable.push_back(peer);
  return true;
}

bool link_table::arrived(const peer_id& peer, std::uint64_t cost) {
  if (links_.at(peer).receive.arrived(cost))
    return true;
  out_.closes.push_back({peer, wire::close_reason::protocol_violation, "data past the credit it was given"});
  return false;
}

void link_table::consumed(const peer_id& peer, std::uint64_t id, std::uint64_t cost) {
  auto l = links_.find(peer);
  if (l == links_.end() || l->second.id != id)
    return; // the link is gone, and its window with it
  if (auto grant = l->second.receive.consumed(cost))
    send(l->second, frame_kind::credit, {}, encode_u64(grant));
}

void link_table::tick(time_point now) {
  for (auto& [peer, l] : links_) {
    if (l.heartbeat.tick()) {
      ping(l, now);
      continue;
    }
    out_.closes.push_back({peer, wire::close_reason::heartbeat_timeout,
                           "silent for " + std::to_string(cfg_.heartbeat_miss_budget) + " heartbeat intervals"});
  }
}

void link_table::send(const peer_id& peer, frame_kind kind, const wire::channel& channel, bytes payload) {
  send(links_.at(peer), kind, channel, std::move(payload));
}

send_window::outcome link_table::offer(const peer_id& peer, wire::frame f, bool past_cap) {
  auto& l = links_.at(peer);
  std::vector<wire::frame> ready;
  auto out = l.send.offer(std::move(f), ready, past_cap);
  send_ready(l, ready);
  return out;
}

link_output link_table::take_output() {
  return std::exchange(out_, {});
}

const link_table::entry* link_table::find(const peer_id& peer) const {
  auto i = links_.find(peer);
  return i == links_.end() ? nullptr : &i->second;
}

std::optional<peer_id> link_table::peer_on(conn_key conn) const {
  auto i = by_conn_.find(conn);
  if (i == by_conn_.end())
    return std::nullopt;
  return i->second;
}

void link_table::send(entry& l, frame_kind kind, const wire::channel& channel, bytes payload) {
  out_.writes.push_back({l.conn, {kind, l.next_sequence++, std::move(payload), channel}});
}

void link_table::send_ready(entry& l, std::vector<wire::frame>& ready) {
  for (auto& r : ready)
    send(l, r.kind, r.channel, std::move(r.payload));
}

/// A heartbeat whose ack gives an RTT sample; only the last few are kept.
void link_table::ping(entry& l, time_point now) {
  l.pings.emplace(l.next_sequence, now);
  while (l.pings.size() > cfg_.heartbeat_miss_budget + 1)
    l.pings.erase(l.pings.begin());
  send(l, frame_kind::heartbeat, {}, {});
}

} // namespace mosaik::link
