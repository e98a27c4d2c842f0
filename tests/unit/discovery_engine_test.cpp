#include "actors/core/discovery/engine.hpp"
#include "tests/unit/discovery_fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <deque>
#include <map>

using namespace mosaik;
using namespace mosaik::discovery;
using namespace mosaik::discovery::testing;

namespace {

constexpr millis t0{1'000'000};

wire::endpoint address_of(std::uint8_t n) {
  return {"10.0.0." + std::to_string(n), 4000};
}

engine make_engine(std::uint8_t n, config cfg = test_config(), millis now = t0) {
  cfg.seed = n;
  return engine{cfg, test_network(), key_of(n), {address_of(n)}, now};
}

template <class T>
std::vector<T> sent_to(const output& out, const peer_id& to) {
  std::vector<T> found;
  for (const auto& m : out.messages)
    if (m.to == to && std::holds_alternative<T>(m.msg))
      found.push_back(std::get<T>(m.msg));
  return found;
}

template <class T>
std::size_t count_of(const output& out) {
  return static_cast<std::size_t>(std::count_if(out.messages.begin(), out.messages.end(),
                                                [](const outgoing& m) { return std::holds_alternative<T>(m.msg); }));
}

/// Delivers messages between engines until none are left (no latency).
struct mesh {
  std::map<peer_id, engine*> nodes;
  std::deque<std::pair<peer_id, outgoing>> queue;

  void add(engine& e) { nodes[e.me().peer()] = &e; }
  void take(engine& e) {
    auto out = e.take_output();
    for (auto& m : out.messages)
      queue.emplace_back(e.me().peer(), std::move(m));
  }
  void link(engine& a, engine& b, millis now) {
    a.on_link_up(b.me().peer(), now);
    b.on_link_up(a.me().peer(), now);
    take(a);
    take(b);
  }
  void run(millis now) {
    while (!queue.empty()) {
      auto [from, m] = std::move(queue.front());
      queue.pop_front();
      if (auto it = nodes.find(m.to); it != nodes.end()) {
        it->second->on_message(from, m.msg, now);
        take(*it->second);
      }
    }
  }
};

} // namespace

TEST_CASE("engine: starts with a signed entry and dials its bootstrap addresses") {
  auto cfg = test_config();
  cfg.tags = {tag::from("beacon")};
  cfg.bootstrap = {address_of(9), address_of(1)};
  auto e = make_engine(1, cfg);
  CHECK(e.me().verify());
  CHECK(e.me().version() == entry_version{t0.count(), t0.count()});
  CHECK(e.me().entry().tags().contains(tag::from("beacon")));
  CHECK(e.me().entry().protocol() == cfg.protocol);
  CHECK(e.next_wakeup() == t0);
  e.tick(t0);
  auto out = e.take_output();
  REQUIRE(out.dials.size() == 1); // not our own address
  CHECK_FALSE(out.dials[0].peer.has_value());
  CHECK(out.dials[0].addresses == std::vector<wire::endpoint>{address_of(9)});
  // Not again before the backoff.
  e.tick(t0 + cfg.maintenance_interval);
  CHECK(e.take_output().dials.empty());
  e.tick(t0 + cfg.redial_backoff);
  CHECK(e.take_output().dials.size() == 1);
  // Once a link says who listens there, and while that peer is linked or
  // known, the address is not dialled again, whatever it advertises.
  auto bootstrap_peer = key_of(9).public_id();
  e.on_link_up(bootstrap_peer, t0 + cfg.redial_backoff, address_of(9));
  (void)e.take_output();
  e.tick(t0 + 3 * cfg.redial_backoff);
  CHECK(e.take_output().dials.empty());
  e.on_link_down(bootstrap_peer, t0 + 3 * cfg.redial_backoff);
  e.tick(t0 + 3 * cfg.redial_backoff);
  CHECK(e.take_output().dials.size() == 1);
}

TEST_CASE("engine: two linked nodes sync catalogs both ways") {
  auto a = make_engine(1), b = make_engine(2);
  auto c = key_of(3);
  REQUIRE(b.feed(signed_entry_of(c, t0.count(), t0.count()), t0));
  (void)b.take_output();
  mesh m;
  m.add(a);
  m.add(b);
  a.on_link_up(b.me().peer(), t0);
  auto out = a.take_output();
  auto requests = sent_to<sync_request>(out, b.me().peer());
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].summary.size() == 1);
  // A new gossip peer also gets our entry as an announcement (to forward).
  CHECK(sent_to<announce>(out, b.me().peer()).size() == 1);
  for (auto& msg : out.messages)
    m.queue.emplace_back(a.me().peer(), std::move(msg));
  b.on_link_up(a.me().peer(), t0);
  m.take(b);
  m.run(t0);

  CHECK(a.catalog().get_signed(b.me().peer(), t0));
  CHECK(a.catalog().get_signed(c.public_id(), t0));
  CHECK(b.catalog().get_signed(a.me().peer(), t0));
  CHECK(a.stats().syncs_completed == 1);
  CHECK(b.stats().syncs_completed == 1);
}

TEST_CASE("engine: a sync answer comes in bounded chunks, the last one flagged") {
  auto cfg = test_config();
  cfg.limits.max_chunk_entries = 4;
  auto a = make_engine(1, cfg);
  for (std::uint8_t n = 10; n < 20; ++n)
    REQUIRE(a.feed(signed_entry_of(key_of(n), t0.count(), t0.count()), t0));
  (void)a.take_output();
  auto asker = key_of(2).public_id();
  a.on_link_up(asker, t0);
  (void)a.take_output();
  a.on_message(asker, sync_request{7, {}}, t0);
  auto chunks = sent_to<sync_chunk>(a.take_output(), asker);
  REQUIRE(chunks.size() == 3); // 11 entries (10 + ours) in chunks of 4
  std::size_t entries = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    CHECK(chunks[i].request_id == 7);
    CHECK(chunks[i].entries.size() <= 4);
    CHECK(chunks[i].last == (i + 1 == chunks.size()));
    entries += chunks[i].entries.size();
  }
  CHECK(entries == 11);
  // Nothing lacking: one empty, final chunk.
  a.on_message(asker, sync_request{8, a.catalog().summary(t0)}, t0);
  chunks = sent_to<sync_chunk>(a.take_output(), asker);
  REQUIRE(chunks.size() == 1);
  CHECK(chunks[0].entries.empty());
  CHECK(chunks[0].last);
}

TEST_CASE("engine: heartbeats bump the version, go to every gossip peer, and are jittered") {
  auto cfg = test_config();
  auto e = make_engine(1, cfg);
  auto p = key_of(2).public_id(), q = key_of(3).public_id();
  e.on_link_up(p, t0);
  e.on_link_up(q, t0);
  (void)e.take_output();
  auto now = t0;
  for (int i = 0; i < 20; ++i) {
    auto before = e.me().version();
    auto next = e.next_wakeup();
    // Maintenance wakes the engine more often; skip to the heartbeat.
    while (e.me().version() == before) {
      next = e.next_wakeup();
      e.tick(next);
    }
    auto gap = next - now;
    CHECK(gap >= cfg.announce_interval / 2);
    CHECK(gap <= cfg.announce_interval * 3 / 2);
    now = next;
    auto out = e.take_output();
    CHECK(sent_to<announce>(out, p).size() == 1);
    CHECK(sent_to<announce>(out, q).size() == 1);
    CHECK(e.me().version().update_ms == now.count() + 1);
    CHECK(e.me().verify());
  }
}

TEST_CASE("engine: a local change is re-announced at once - a no-op or oversize change is not") {
  auto cfg = test_config();
  cfg.limits.max_tags = 2;
  auto e = make_engine(1, cfg);
  auto p = key_of(2).public_id();
  e.on_link_up(p, t0);
  (void)e.take_output();
  auto now = t0 + millis{5};
  auto added = e.add_tags({tag::from("x")}, now);
  REQUIRE(added);
  CHECK(*added);
  auto sent = sent_to<announce>(e.take_output(), p);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].entries.at(0).entry().tags().contains(tag::from("x")));
  CHECK(sent[0].entries.at(0).verify());
  CHECK(e.me().version().update_ms == now.count() + 1);

  CHECK_FALSE(*e.add_tags({tag::from("x")}, now));
  CHECK(e.take_output().messages.empty());
  auto over = e.add_tags({tag::from("y"), tag::from("z")}, now);
  REQUIRE_FALSE(over);
  CHECK(over.error() == rejection::too_many_tags);
  CHECK(e.me().entry().tags().size() == 1);
  CHECK(e.take_output().messages.empty());

  auto groups = e.update_local(now, [](peer_entry& entry) {
    entry.add_group(group_id::from("g"));
    entry.add_stream(stream_id::from("s"));
  });
  CHECK(*groups);
  CHECK(sent_to<announce>(e.take_output(), p).size() == 1);
  CHECK(*e.update_local(now, [](peer_entry& entry) { entry.remove_group(group_id::from("g")); }));
  CHECK(e.me().entry().groups().empty());
  CHECK(*e.remove_tags({tag::from("x")}, now));
  CHECK(e.me().entry().tags().empty());
}

TEST_CASE("engine: new entries are forwarded once to fanout gossip peers, never back") {
  auto cfg = test_config();
  cfg.fanout = 3;
  auto e = make_engine(1, cfg);
  std::vector<peer_id> peers;
  for (std::uint8_t n = 10; n < 16; ++n) {
    peers.push_back(key_of(n).public_id());
    e.on_link_up(peers.back(), t0);
  }
  (void)e.take_output();
  auto c = signed_entry_of(key_of(3), t0.count(), t0.count());
  e.on_message(peers[0], announce{{c}}, t0);
  auto out = e.take_output();
  CHECK(count_of<announce>(out) == 3);
  CHECK(sent_to<announce>(out, peers[0]).empty());
  for (const auto& m : out.messages)
    CHECK(std::get<announce>(m.msg).entries == std::vector{c});
  // The same version again, from anyone, is not forwarded.
  e.on_message(peers[1], announce{{c}}, t0);
  CHECK(e.take_output().messages.empty());
  CHECK(e.catalog().stats().rejected_of(rejection::duplicate) == 1);
}

TEST_CASE("engine: a peer's own entry is never forwarded back to it") {
  auto cfg = test_config();
  cfg.fanout = 8;
  auto e = make_engine(1, cfg);
  std::vector<peer_id> peers;
  for (std::uint8_t n = 10; n < 14; ++n) {
    peers.push_back(key_of(n).public_id());
    e.on_link_up(peers.back(), t0);
  }
  (void)e.take_output();
  auto theirs = signed_entry_of(key_of(11), t0.count(), t0.count());
  auto other = signed_entry_of(key_of(30), t0.count(), t0.count());
  e.on_message(peers[0], announce{{theirs, other}}, t0);
  auto out = e.take_output();
  CHECK(count_of<announce>(out) == 3);
  auto to_owner = sent_to<announce>(out, peers[1]);
  REQUIRE(to_owner.size() == 1);
  CHECK(to_owner[0].entries == std::vector{other});
  CHECK(sent_to<announce>(out, peers[2]).at(0).entries.size() == 2);
}

TEST_CASE("engine: the gossip set is bounded - surplus links are released after their sync") {
  auto cfg = test_config();
  auto e = make_engine(1, cfg);
  std::vector<peer_id> peers;
  for (std::uint8_t n = 10; n < 20; ++n) {
    peers.push_back(key_of(n).public_id());
    e.on_link_up(peers.back(), t0);
  }
  CHECK(e.links().gossip().size() == cfg.gossip_peers);
  auto out = e.take_output();
  CHECK(out.releases.empty());
  CHECK(count_of<sync_request>(out) == peers.size());
  auto extra = peers.back();
  REQUIRE_FALSE(e.links().is_gossip(extra));
  // Our sync completes and we answer theirs: then the link is let go.
  auto request = sent_to<sync_request>(out, extra).at(0);
  e.on_message(extra, sync_chunk{request.request_id, {}, {}, true}, t0);
  CHECK(e.take_output().releases.empty());
  e.on_message(extra, sync_request{1, {}}, t0);
  CHECK(e.take_output().releases == std::vector<peer_id>{extra});
  // A gossip member is kept.
  auto member = peers.front();
  request = sent_to<sync_request>(out, member).at(0);
  e.on_message(member, sync_chunk{request.request_id, {}, {}, true}, t0);
  e.on_message(member, sync_request{1, {}}, t0);
  CHECK(e.take_output().releases.empty());
}

TEST_CASE("engine: below min_gossip_peers it dials catalog peers at their addresses") {
  auto cfg = test_config();
  auto e = make_engine(1, cfg);
  for (std::uint8_t n = 10; n < 20; ++n)
    REQUIRE(e.feed(signed_entry_of(key_of(n), t0.count(), t0.count()), t0));
  (void)e.take_output();
  e.tick(t0);
  auto out = e.take_output();
  REQUIRE(out.dials.size() == cfg.min_gossip_peers);
  for (const auto& d : out.dials) {
    REQUIRE(d.peer.has_value());
    CHECK(d.addresses == std::vector<wire::endpoint>{{"10.0.0.1", 4000}});
  }
  // Pending dials count: no more until they fail.
  e.tick(t0 + cfg.maintenance_interval);
  CHECK(e.take_output().dials.empty());
  auto failed = *out.dials[0].peer;
  e.on_dial_failed(failed, t0 + cfg.maintenance_interval);
  e.tick(t0 + 2 * cfg.maintenance_interval);
  out = e.take_output();
  REQUIRE(out.dials.size() == 1);
  CHECK(*out.dials[0].peer != failed); // backing off from the failed one
}

TEST_CASE("engine: a quiet peer is probed and its link joins a full gossip set by eviction") {
  auto cfg = test_config();
  cfg.purge_after = millis{60'000};
  auto e = make_engine(1, cfg);
  auto quiet = key_of(30);
  REQUIRE(e.feed(signed_entry_of(quiet, t0.count(), t0.count()), t0));
  std::vector<peer_id> peers;
  for (std::uint8_t n = 10; n < 18; ++n) {
    peers.push_back(key_of(n).public_id());
    e.on_link_up(peers.back(), t0);
  }
  REQUIRE(e.links().gossip().size() == cfg.gossip_peers);
  (void)e.take_output();
  // Nothing newer from `quiet` for more than three announce intervals.
  auto later = t0 + 3 * cfg.announce_interval + millis{1};
  e.tick(later);
  auto out = e.take_output();
  REQUIRE(out.dials.size() == 1);
  CHECK(out.dials[0].peer == quiet.public_id());
  e.on_link_up(quiet.public_id(), later);
  out = e.take_output();
  CHECK(e.links().is_gossip(quiet.public_id()));
  CHECK(e.links().gossip().size() == cfg.gossip_peers);
  REQUIRE(out.releases.size() == 1);
  CHECK(std::find(peers.begin(), peers.end(), out.releases[0]) != peers.end());
  CHECK_FALSE(e.links().is_gossip(out.releases[0]));
}

TEST_CASE("engine: bad input charges the sender - a ban is reported and the sender ignored") {
  auto e = make_engine(1);
  auto liar = key_of(2).public_id();
  auto victim = key_of(3);
  e.on_link_up(liar, t0);
  (void)e.take_output();
  auto forged = entry_of(victim, t0.count(), t0.count());
  forged.add_tag(tag::from("evil"));
  auto sig = signed_entry_of(key_of(4), t0.count(), t0.count()).sig();
  e.on_message(liar, announce{{signed_peer_entry::unverified(forged, sig)}}, t0);
  auto out = e.take_output();
  CHECK(out.messages.empty()); // not forwarded
  CHECK(out.bans == std::vector<peer_id>{liar});
  CHECK_FALSE(e.catalog().get(victim.public_id(), t0).has_value());
  CHECK(e.catalog().penalties().score(victim.public_id(), t0) == 0);
  // Everything the banned sender says is ignored, even valid entries.
  e.on_message(liar, announce{{signed_entry_of(victim, t0.count(), t0.count())}}, t0);
  CHECK_FALSE(e.catalog().get(victim.public_id(), t0).has_value());
  CHECK(e.stats().dropped_from_banned == 1);
  // A banned peer's new link is released at once.
  e.on_link_down(liar, t0);
  e.on_link_up(liar, t0);
  CHECK(e.take_output().releases == std::vector<peer_id>{liar});
}

TEST_CASE("engine: while linked a peer's entry keeps its place in a full catalog") {
  auto cfg = test_config();
  cfg.max_peers = 2;
  auto e = make_engine(1, cfg);
  auto friend_key = key_of(2);
  auto junk_relay = key_of(3).public_id();
  e.on_link_up(friend_key.public_id(), t0);
  e.on_message(friend_key.public_id(), announce{{signed_entry_of(friend_key, t0.count(), t0.count())}},
               t0);
  // Long after (the friend's entry is no longer recent), a relay floods.
  auto later = t0 + 3 * cfg.announce_interval;
  e.on_link_up(junk_relay, later);
  auto junk = [&](std::uint8_t n, millis at) {
    e.on_message(junk_relay, announce{{signed_entry_of(key_of(n), at.count(), at.count())}}, at);
  };
  junk(10, later);
  junk(11, later);
  CHECK(e.catalog().get(friend_key.public_id(), later).has_value());
  CHECK(e.catalog().stats().rejected_of(rejection::catalog_full) == 1);
  (void)e.take_output();
  // Once the link is down its entry is just another old one.
  e.on_link_down(friend_key.public_id(), later);
  junk(12, later + millis{1});
  CHECK_FALSE(e.catalog().get(friend_key.public_id(), later).has_value());
  CHECK(e.catalog().stats().evicted_of(eviction_reason::not_recent) == 1);
  auto events = e.take_output().events;
  CHECK(std::any_of(events.begin(), events.end(), [&](const event& ev) {
    auto* d = std::get_if<peer_departed>(&ev);
    return d && d->peer == friend_key.public_id() && d->cause == departure_cause::evicted;
  }));
}

TEST_CASE("engine: undecodable bytes, oversized messages and unsolicited chunks are charged") {
  auto cfg = test_config();
  auto e = make_engine(1, cfg);
  auto s = key_of(2).public_id();
  e.on_malformed(s, t0);
  CHECK(e.catalog().penalties().score(s, t0) == cfg.penalties.malformed);
  e.on_message(s, sync_chunk{99, {}, {}, true}, t0);
  CHECK(e.catalog().stats().rejected_of(rejection::unsolicited) == 1);
  std::vector<signed_peer_entry> many(cfg.limits.max_announce_entries + 1,
                                      signed_entry_of(key_of(3), t0.count(), t0.count()));
  e.on_message(s, announce{many}, t0);
  CHECK(e.catalog().stats().rejected_of(rejection::malformed) == 2);
  CHECK_FALSE(e.catalog().get(key_of(3).public_id(), t0).has_value());
  CHECK(e.take_output().bans == std::vector<peer_id>{s});
}

TEST_CASE("engine: a departure reaches linked peers, is applied and forwarded once") {
  auto cfg = test_config();
  auto leaver = make_engine(1, cfg), a = make_engine(2, cfg), b = make_engine(3, cfg);
  mesh m;
  for (auto* e : {&leaver, &a, &b})
    m.add(*e);
  m.link(leaver, a, t0);
  m.link(a, b, t0);
  m.run(t0);
  // b learns of the leaver through a's forwarded announcement.
  REQUIRE(b.catalog().get_signed(leaver.me().peer(), t0));

  auto now = t0 + millis{100};
  leaver.depart(now);
  CHECK(leaver.departed());
  m.take(leaver);
  m.run(now);
  CHECK_FALSE(a.catalog().get(leaver.me().peer(), now).has_value());
  CHECK_FALSE(b.catalog().get(leaver.me().peer(), now).has_value());
  CHECK(a.catalog().stats().departed == 1);
  CHECK(b.catalog().stats().departed == 1);
  // A departed engine stays silent and asks for no more ticks.
  leaver.tick(now + cfg.announce_interval * 2);
  CHECK(leaver.take_output().empty());
  CHECK(leaver.next_wakeup() == millis::max());
}

TEST_CASE("engine: sync_with reports failure for an unknown peer and syncs a linked one") {
  auto a = make_engine(1), b = make_engine(2);
  auto stranger = key_of(9).public_id();
  a.sync_with(stranger, t0);
  auto out = a.take_output();
  REQUIRE(out.syncs.size() == 1);
  CHECK_FALSE(out.syncs[0].completed);

  mesh m;
  m.add(a);
  m.add(b);
  m.link(a, b, t0);
  m.run(t0);
  (void)a.take_output();
  a.sync_with(b.me().peer(), t0 + millis{10});
  m.take(a);
  REQUIRE(m.queue.size() == 1);
  m.run(t0 + millis{10});
  CHECK(a.stats().syncs_completed == 2);

  // A known, unlinked peer is dialled for the sync; a failed dial reports it.
  auto c = make_engine(3);
  REQUIRE(a.feed(c.me(), t0 + millis{10}));
  (void)a.take_output();
  a.sync_with(c.me().peer(), t0 + millis{10});
  out = a.take_output();
  REQUIRE(out.dials.size() == 1);
  CHECK(out.dials[0].peer == c.me().peer());
  a.on_dial_failed(c.me().peer(), t0 + millis{20});
  out = a.take_output();
  REQUIRE(out.syncs.size() == 1);
  CHECK_FALSE(out.syncs[0].completed);
}

TEST_CASE("engine: a sync that times out fails and a dropped link cancels it") {
  auto cfg = test_config();
  auto e = make_engine(1, cfg);
  auto p = key_of(2).public_id(), q = key_of(3).public_id();
  e.on_link_up(p, t0);
  e.on_link_up(q, t0);
  (void)e.take_output();
  e.on_link_down(q, t0);
  auto out = e.take_output();
  REQUIRE(out.syncs.size() == 1);
  CHECK(out.syncs[0].peer == q);
  CHECK(e.next_wakeup() == t0); // look for a replacement now
  e.tick(t0 + cfg.sync_timeout);
  out = e.take_output();
  REQUIRE(out.syncs.size() == 1);
  CHECK(out.syncs[0].peer == p);
  CHECK_FALSE(out.syncs[0].completed);
  CHECK(e.stats().syncs_failed == 2);
}
