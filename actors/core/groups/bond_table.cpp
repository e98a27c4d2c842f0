#include "actors/core/groups/bond_table.hpp"

#include "actors/core/overloaded.hpp"

#include <algorithm>
#include <utility>

namespace mosaik::groups {

bond_table::bond_table(bond_settings s) : s_(std::move(s)), rng_(s_.seed) {}

// -- inputs -----------------------------------------------------------------------

void bond_table::link_up(const peer_id& peer, const digest& binding, millis now) {
  if (peer == s_.self)
    return;
  if (auto i = bonds_.find(peer); i != bonds_.end())
    link_down(peer, now); // a new link replaced the old one: its bond went with it
  auto& b = bonds_[peer];
  b.binding = binding;
  b.since = now;
  b.retry_after = now;
  maybe_start(peer, b, now);
}

void bond_table::link_down(const peer_id& peer, millis now) {
  auto i = bonds_.find(peer);
  if (i == bonds_.end())
    return;
  if (i->second.state == phase::established)
    ended(i->second, {peer, bond_close_reason::unspecified, false, "link lost"}, now);
  bonds_.erase(i);
}

void bond_table::member_seen(const peer_id& peer, bool lists_group, millis now) {
  if (peer == s_.self)
    return;
  if (!lists_group) {
    members_.erase(peer);
    return;
  }
  members_.insert(peer);
  if (auto i = bonds_.find(peer); i != bonds_.end())
    maybe_start(peer, i->second, now);
  else
    want({peer});
}

std::optional<raft::message> bond_table::on_message(const peer_id& from, bond_message msg,
                                                    millis now) {
  auto i = bonds_.find(from);
  if (i == bonds_.end() || departed_) {
    if (std::holds_alternative<raft::message>(msg))
      ++stats_.not_bonded;
    return std::nullopt;
  }
  auto& b = i->second;
  if (b.state == phase::established) {
    b.last_received = now;
    b.missed = 0;
  }
  auto established = b.state == phase::established;
  return std::visit(
    overloaded{
      [&](bond_hello& h) -> std::optional<raft::message> {
        on_hello(from, b, h, now);
        return std::nullopt;
      },
      [&](bond_welcome& w) -> std::optional<raft::message> {
        on_welcome(from, b, w, now);
        return std::nullopt;
      },
      [&](bond_close& c) -> std::optional<raft::message> {
        if (b.state != phase::idle)
          ended(b, {from, c.reason, false, "closed by the peer: " + c.detail}, now);
        return std::nullopt;
      },
      [&](bond_departure&) -> std::optional<raft::message> {
        members_.erase(from);
        if (established)
          ended(b, {from, bond_close_reason::group_closed, true, "the peer left the group"}, now);
        return std::nullopt;
      },
      [&](bond_ping&) -> std::optional<raft::message> {
        if (established && !b.sent_since_tick)
          send(from, bond_pong{});
        return std::nullopt;
      },
      [&](bond_pong&) -> std::optional<raft::message> { return std::nullopt; },
      [&](bond_formed& f) -> std::optional<raft::message> {
        if (established)
          want({f.peer});
        return std::nullopt;
      },
      [&](raft::message& m) -> std::optional<raft::message> {
        if (!established) {
          ++stats_.not_bonded;
          return std::nullopt;
        }
        if (m.from != from || m.to != s_.self) {
          ++stats_.forged_sender;
          return std::nullopt;
        }
        return std::move(m);
      },
    },
    msg);
}

void bond_table::note_sent(const peer_id& peer) {
  if (auto i = bonds_.find(peer); i != bonds_.end())
    i->second.sent_since_tick = true;
}

void bond_table::tick(millis now) {
  auto silence = s_.consensus.heartbeat_interval + s_.consensus.heartbeat_jitter;
  for (auto& [peer, b] : bonds_) {
    switch (b.state) {
      case phase::idle: maybe_start(peer, b, now); break;
      case phase::hello_sent:
        if (now - b.since >= s_.handshake_timeout)
          close(peer, b, bond_close_reason::timeout, "no welcome in time", true, now);
        break;
      case phase::established:
        if (now - b.last_received > silence && ++b.missed >= s_.consensus.max_missed_heartbeats) {
          close(peer, b, bond_close_reason::timeout, "missed heartbeats", true, now);
          break;
        }
        if (!b.sent_since_tick)
          send(peer, bond_ping{});
        break;
    }
    b.sent_since_tick = false;
  }
  // Members without a link yet: ask again (the actor rate-limits dials).
  for (const auto& peer : members_)
    if (bonds_.count(peer) == 0)
      want({peer});
  next_tick_ = now + tick_interval();
}

void bond_table::depart() {
  for (auto& [peer, b] : bonds_) {
    if (b.state == phase::established) {
      send(peer, bond_departure{});
      out_.downs.push_back({peer, bond_close_reason::group_closed, false, "this node left the group"});
    }
    b.state = phase::idle;
  }
  departed_ = true;
}

bond_output bond_table::take_output() {
  return std::exchange(out_, {});
}

bool bond_table::established(const peer_id& peer) const {
  auto i = bonds_.find(peer);
  return i != bonds_.end() && i->second.state == phase::established;
}

std::vector<peer_id> bond_table::bonded() const {
  std::vector<peer_id> out;
  for (const auto& [peer, b] : bonds_)
    if (b.state == phase::established)
      out.push_back(peer);
  return out;
}

// -- the handshake ------------------------------------------------------------------

void bond_table::maybe_start(const peer_id& peer, bond& b, millis now) {
  if (departed_ || b.state != phase::idle || members_.count(peer) == 0 || now < b.retry_after)
    return;
  // The smaller id starts; the larger one only when no hello came in time.
  if (s_.self < peer || now - b.since >= s_.handshake_timeout)
    send_hello(peer, b, now);
}

void bond_table::send_hello(const peer_id& peer, bond& b, millis now) {
  b.state = phase::hello_sent;
  b.since = now;
  send(peer, bond_hello{s_.network, s_.group, bond_proof(s_.key, b.binding, s_.self), lineage_, bonded(),
                        s_.observer, s_.reluctant});
}

void bond_table::on_hello(const peer_id& from, bond& b, const bond_hello& h, millis now) {
  if (h.network != s_.network)
    return close(from, b, bond_close_reason::different_network, "another network", true, now);
  if (h.group != s_.group)
    return close(from, b, bond_close_reason::group_not_found, "another group", true, now);
  if (!verify_bond_proof(s_.key, b.binding, from, h.proof))
    return close(from, b, bond_close_reason::invalid_proof, "the proof does not verify", true, now);
  if (auto conflict = lineage_conflict(h.lineage))
    return close(from, b, bond_close_reason::split_lineage, *conflict, true, now);
  if (b.state == phase::hello_sent && s_.self < from)
    return; // crossed hellos: ours wins, theirs is dropped
  if (b.state == phase::established)
    ended(b, {from, bond_close_reason::unspecified, false, "the peer bonds anew"}, now);
  send(from, bond_welcome{bond_proof(s_.key, b.binding, s_.self), lineage_, bonded(), s_.observer,
                          s_.reluctant});
  establish(from, b, h, now);
  want(h.bonded);
}

void bond_table::on_welcome(const peer_id& from, bond& b, const bond_welcome& w, millis now) {
  if (b.state != phase::hello_sent)
    return; // late, after our hello timed out or lost the crossing
  if (!verify_bond_proof(s_.key, b.binding, from, w.proof))
    return close(from, b, bond_close_reason::invalid_proof, "the proof does not verify", true, now);
  if (auto conflict = lineage_conflict(w.lineage))
    return close(from, b, bond_close_reason::split_lineage, *conflict, true, now);
  establish(from, b, w, now);
  want(w.bonded);
}

std::optional<std::string> bond_table::lineage_conflict(const digest& theirs) const {
  if (lineage_.is_zero() || theirs.is_zero() || lineage_ == theirs)
    return std::nullopt;
  return "the group bootstrapped apart: lineage " + lineage_.short_hex() + " here, "
         + theirs.short_hex() + " there";
}

template <class Greeting>
void bond_table::establish(const peer_id& peer, bond& b, const Greeting& g, millis now) {
  b.state = phase::established;
  b.since = now;
  b.last_received = now;
  b.missed = 0;
  ++stats_.bonds_formed;
  out_.ups.push_back({peer, g.lineage, g.observer, g.reluctant});
  announce_formed(peer);
}

void bond_table::close(const peer_id& peer, bond& b, bond_close_reason why, std::string detail,
                       bool tell, millis now) {
  if (tell)
    send(peer, bond_close{why, detail});
  out_.refused.push_back({peer, why, detail});
  if (b.state == phase::established)
    return ended(b, {peer, why, false, std::move(detail)}, now);
  b.state = phase::idle;
  b.since = now;
  b.retry_after = now + s_.handshake_timeout;
}

void bond_table::ended(bond& b, bond_down down, millis now) {
  if (b.state == phase::established)
    out_.downs.push_back(std::move(down));
  b.state = phase::idle;
  b.since = now;
  b.retry_after = now + s_.handshake_timeout;
}

void bond_table::announce_formed(const peer_id& peer) {
  for (const auto& [other, b] : bonds_)
    if (other != peer && b.state == phase::established)
      send(other, bond_formed{peer});
}

void bond_table::want(const std::vector<peer_id>& peers) {
  for (const auto& p : peers)
    if (p != s_.self && bonds_.count(p) == 0
        && std::find(out_.wanted.begin(), out_.wanted.end(), p) == out_.wanted.end())
      out_.wanted.push_back(p);
}

void bond_table::send(const peer_id& to, bond_message m) {
  note_sent(to);
  out_.messages.push_back({to, std::move(m)});
}

millis bond_table::tick_interval() {
  auto jitter = static_cast<std::uint64_t>(s_.consensus.heartbeat_jitter.count());
  return s_.consensus.heartbeat_interval - millis{static_cast<std::int64_t>(rng_.below(jitter))};
}

} // namespace mosaik::groups
