#include "actors/core/discovery/catalog.hpp"
#include "tests/unit/discovery_fixtures.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::discovery;
using namespace mosaik::discovery::testing;

namespace {

// Times are Unix milliseconds; the peers' clocks agree with ours unless a
// test says otherwise.
constexpr millis t0{1'000'000};

struct fixture {
  secret_key local_key = key_of(100);
  config cfg = test_config();
  catalog cat{cfg, signed_entry_of(local_key, t0.count(), t0.count())};
  secret_key a = key_of(1);
  secret_key b = key_of(2);
  peer_id relay = key_of(50).public_id();

  explicit fixture(config c = test_config())
    : cfg(c), cat{c, signed_entry_of(local_key, t0.count(), t0.count())} {}
};

template <class T>
bool holds(const std::vector<event>& events, std::size_t i) {
  return i < events.size() && std::holds_alternative<T>(events[i]);
}

} // namespace

TEST_CASE("catalog: versions only move forward - events only on real changes") {
  fixture f;
  CHECK(f.cat.me().peer() == f.local_key.public_id());

  auto v1 = signed_entry_of(f.a, t0.count(), t0.count());
  auto r = f.cat.ingest(v1, f.relay, t0);
  REQUIRE(r);
  CHECK(*r == accepted::discovered);
  auto events = f.cat.take_events();
  REQUIRE(events.size() == 1);
  CHECK(std::get<peer_discovered>(events[0]).entry == v1.entry());

  // A heartbeat (same content, newer version) refreshes silently.
  auto v2 = signed_entry_of(f.a, t0.count(), t0.count() + 10);
  CHECK(*f.cat.ingest(v2, f.relay, t0 + millis{10}) == accepted::refreshed);
  CHECK(f.cat.take_events().empty());

  auto changed = entry_of(f.a, t0.count(), t0.count() + 20);
  changed.add_tag(tag::from("new"));
  CHECK(*f.cat.ingest(sign(changed, f.a), f.relay, t0 + millis{20}) == accepted::updated);
  events = f.cat.take_events();
  REQUIRE(holds<peer_updated>(events, 0));
  CHECK(std::get<peer_updated>(events[0]).entry.tags().contains(tag::from("new")));

  auto dup = f.cat.ingest(sign(changed, f.a), f.relay, t0 + millis{20});
  REQUIRE_FALSE(dup);
  CHECK(dup.error() == rejection::duplicate);
  auto old = f.cat.ingest(v2, f.relay, t0 + millis{20});
  REQUIRE_FALSE(old);
  CHECK(old.error() == rejection::outdated);
  CHECK(f.cat.get_signed(f.a.public_id(), t0)->entry().tags().contains(tag::from("new")));
  CHECK(f.cat.stats().discovered == 1);
  CHECK(f.cat.stats().refreshed == 1);
  CHECK(f.cat.stats().updated == 1);
  CHECK(f.cat.stats().rejected_of(rejection::duplicate) == 1);
  CHECK(f.cat.stats().rejected_of(rejection::outdated) == 1);
}

TEST_CASE("catalog: forged entries never enter and the relaying sender is charged") {
  fixture f;
  auto forged = entry_of(f.a, t0.count(), t0.count());
  forged.add_tag(tag::from("evil"));
  auto wrong_key = *signed_peer_entry::sign(entry_of(f.b, t0.count(), t0.count()), f.b);
  auto r = f.cat.ingest(signed_peer_entry::unverified(forged, wrong_key.sig()), f.relay, t0);
  REQUIRE_FALSE(r);
  CHECK(r.error() == rejection::bad_signature);
  CHECK(f.cat.get(f.a.public_id(), t0) == std::nullopt);
  CHECK(f.cat.take_events().empty());
  CHECK(f.cat.penalties().score(f.relay, t0) == f.cfg.penalties.bad_signature);
  CHECK(f.cat.penalties().score(f.a.public_id(), t0) == 0);
  CHECK(f.cat.banned(f.relay, t0));
  CHECK_FALSE(f.cat.banned(f.a.public_id(), t0));
  CHECK(f.cat.take_bans() == std::vector<peer_id>{f.relay});
  // The real peer is still welcome.
  CHECK(f.cat.ingest(signed_entry_of(f.a, t0.count(), t0.count()), std::nullopt, t0));
}

TEST_CASE("catalog: wrong network, own id, oversize and clock drift are refused") {
  fixture f;
  auto other = signed_entry_of(f.a, t0.count(), t0.count(), network_id::from("other"));
  CHECK(f.cat.ingest(other, f.relay, t0).error() == rejection::wrong_network);
  auto mine = signed_entry_of(f.local_key, t0.count(), t0.count() + 99);
  CHECK(f.cat.ingest(mine, f.relay, t0).error() == rejection::own_entry);
  CHECK(f.cat.me().version() == entry_version{t0.count(), t0.count()});

  auto big = entry_of(f.a, t0.count(), t0.count());
  for (std::size_t i = 0; i <= f.cfg.limits.max_tags; ++i)
    big.add_tag(tag::from("t" + std::to_string(i)));
  CHECK(f.cat.ingest(sign(big, f.a), f.relay, t0).error() == rejection::too_many_tags);

  auto drift = f.cfg.max_time_drift + millis{1};
  auto ahead = signed_entry_of(f.a, t0.count(), (t0 + drift).count());
  CHECK(f.cat.ingest(ahead, f.relay, t0).error() == rejection::time_drift);
  auto behind = signed_entry_of(f.a, (t0 - drift).count(), (t0 - drift).count());
  CHECK(f.cat.ingest(behind, f.relay, t0).error() == rejection::time_drift);
  auto extreme = signed_entry_of(f.a, INT64_MIN, INT64_MIN);
  CHECK(f.cat.ingest(extreme, f.relay, t0).error() == rejection::time_drift);
  auto bye = departure::sign(test_network(), f.a, {INT64_MAX, INT64_MAX}, millis{INT64_MIN});
  CHECK(f.cat.ingest_departure(bye, f.relay, t0) == rejection::time_drift);
  // The same old entry is fine when the sender says it got it that long ago.
  CHECK(f.cat.ingest(behind, f.relay, t0, drift));
  CHECK(f.cat.peers_count(t0) == 1);
  CHECK(f.cat.take_events().size() == 1);
  CHECK(f.cat.stats().rejected_of(rejection::wrong_network) == 1);
  CHECK(f.cat.stats().rejected_of(rejection::time_drift) == 4);
}

TEST_CASE("catalog: a silent peer goes stale after purge_after on our clock, then is purged") {
  fixture f;
  // The peer's clock runs ahead (within the drift bound): freshness does not
  // depend on it.
  auto skew = f.cfg.max_time_drift;
  REQUIRE(f.cat.ingest(signed_entry_of(f.a, t0.count(), (t0 + skew).count()), f.relay, t0));
  (void)f.cat.take_events();
  auto edge = t0 + f.cfg.purge_after;
  CHECK(f.cat.get(f.a.public_id(), edge).has_value());
  CHECK(f.cat.next_expiry() == edge + millis{1});
  CHECK_FALSE(f.cat.get(f.a.public_id(), edge + millis{1}).has_value());
  CHECK(f.cat.peers(edge + millis{1}).empty());
  CHECK(f.cat.summary(edge + millis{1}).size() == 1); // only us

  f.cat.purge(edge + millis{1});
  auto events = f.cat.take_events();
  REQUIRE(holds<peer_departed>(events, 0));
  CHECK(std::get<peer_departed>(events[0]).cause == departure_cause::purged);
  CHECK(f.cat.stats().purged == 1);
  CHECK_FALSE(f.cat.next_expiry().has_value());

  // Announcing again rediscovers it.
  auto later = edge + millis{100};
  CHECK(*f.cat.ingest(signed_entry_of(f.a, t0.count(), later.count()), f.relay, later)
        == accepted::discovered);
  // An entry the sender received longer than purge_after ago is stale.
  auto aged = f.cat.ingest(signed_entry_of(f.b, t0.count(), t0.count()), f.relay, later,
                           f.cfg.purge_after + millis{1});
  CHECK(aged.error() == rejection::stale);
}

TEST_CASE("catalog: a departure removes the peer - old announcements cannot resurrect it") {
  fixture f;
  auto v = signed_entry_of(f.a, t0.count(), t0.count() + 5);
  REQUIRE(f.cat.ingest(v, f.relay, t0));
  f.cat.record_rtt(f.a.public_id(), std::chrono::milliseconds{3});
  (void)f.cat.take_events();

  auto older = departure::sign(test_network(), f.a, {t0.count(), t0.count() + 1}, t0);
  CHECK(f.cat.ingest_departure(older, f.relay, t0) == rejection::outdated);
  auto forged = departure::unverified(test_network(), f.a.public_id(), v.version(), t0,
                                      older.sig());
  CHECK(f.cat.ingest_departure(forged, f.relay, t0) == rejection::bad_signature);
  CHECK(f.cat.get(f.a.public_id(), t0).has_value());
  auto unknown = departure::sign(test_network(), f.b, {t0.count(), t0.count()}, t0);
  CHECK(f.cat.ingest_departure(unknown, f.relay, t0) == rejection::unknown_peer);

  auto bye = departure::sign(test_network(), f.a, v.version(), t0 + millis{10});
  CHECK_FALSE(f.cat.ingest_departure(bye, f.relay, t0 + millis{10}).has_value());
  auto events = f.cat.take_events();
  REQUIRE(holds<peer_departed>(events, 0));
  CHECK(std::get<peer_departed>(events[0]).cause == departure_cause::graceful);
  CHECK_FALSE(f.cat.get(f.a.public_id(), t0 + millis{10}).has_value());
  CHECK(f.cat.ingest_departure(bye, f.relay, t0 + millis{10}) == rejection::duplicate);

  // Replaying the last or an earlier announcement does not bring it back.
  CHECK(f.cat.ingest(v, f.relay, t0 + millis{20}).error() == rejection::departed);
  CHECK(f.cat.ingest(signed_entry_of(f.a, t0.count(), t0.count() + 2), f.relay, t0 + millis{20})
          .error()
        == rejection::departed);
  CHECK_FALSE(f.cat.get(f.a.public_id(), t0 + millis{20}).has_value());
  // A sync peer that still lists the old version is told about the departure.
  auto covering = f.cat.departures_covering({{f.a.public_id(), v.version()}}, t0 + millis{30});
  REQUIRE(covering.size() == 1);
  CHECK(covering[0].departure == bye);
  CHECK(covering[0].age == millis{20});

  // A restart (newer start) is a new run and is accepted.
  auto restart = t0 + millis{1'000};
  CHECK(*f.cat.ingest(signed_entry_of(f.a, restart.count(), restart.count()), f.relay, restart)
        == accepted::discovered);
}

TEST_CASE("catalog: a departure's tombstone expires after purge_after + max_time_drift") {
  fixture f;
  auto v = signed_entry_of(f.a, t0.count(), t0.count());
  REQUIRE(f.cat.ingest(v, f.relay, t0));
  REQUIRE_FALSE(f.cat.ingest_departure(departure::sign(test_network(), f.a, v.version(), t0),
                                       f.relay, t0));
  auto keep = t0 + f.cfg.purge_after + f.cfg.max_time_drift;
  f.cat.purge(keep);
  CHECK(f.cat.departures_covering({{f.a.public_id(), v.version()}}, keep).size() == 1);
  f.cat.purge(keep + millis{1});
  CHECK(f.cat.departures_covering({{f.a.public_id(), v.version()}}, keep).empty());
}

TEST_CASE("catalog: unsigned entries are local, give way to signed ones, never to us") {
  fixture f;
  auto manual = entry_of(f.a, 1, 1);
  manual.add_tag(tag::from("manual"));
  CHECK(f.cat.insert_unsigned(manual));
  CHECK_FALSE(f.cat.insert_unsigned(entry_of(f.local_key, 1, 1)));
  CHECK_FALSE(f.cat.insert_unsigned(entry_of(f.b, 1, 1, network_id::from("other"))));
  auto got = f.cat.get(f.a.public_id(), t0);
  REQUIRE(got);
  CHECK_FALSE(got->is_signed);
  CHECK(f.cat.unsigned_peers().size() == 1);
  CHECK(f.cat.summary(t0).size() == 1); // never offered to others
  CHECK(f.cat.take_events().empty());

  REQUIRE(f.cat.ingest(signed_entry_of(f.a, t0.count(), t0.count()), f.relay, t0));
  CHECK(f.cat.get(f.a.public_id(), t0)->is_signed);
  CHECK(f.cat.unsigned_peers().empty());
  CHECK_FALSE(f.cat.insert_unsigned(manual)); // a signed entry exists
  CHECK(f.cat.insert_unsigned(entry_of(f.b, 1, 1)));
  CHECK(f.cat.peers_count(t0) == 2);
  CHECK(f.cat.remove_unsigned(f.b.public_id()));
  CHECK_FALSE(f.cat.remove_unsigned(f.b.public_id()));
  CHECK(f.cat.insert_unsigned(entry_of(f.b, 1, 1)));
  CHECK(f.cat.clear_unsigned());
  CHECK_FALSE(f.cat.clear_unsigned());
}

TEST_CASE("catalog: max_rtt hides slow peers but keeps peers without a sample") {
  auto cfg = test_config();
  cfg.max_rtt = millis{50};
  fixture f{cfg};
  auto c = key_of(3);
  for (auto* k : {&f.a, &f.b, &c})
    REQUIRE(f.cat.ingest(signed_entry_of(*k, t0.count(), t0.count()), f.relay, t0));
  f.cat.record_rtt(f.a.public_id(), millis{10});
  f.cat.record_rtt(f.b.public_id(), millis{200});
  auto visible = f.cat.peers(t0);
  CHECK(visible.size() == 2);
  CHECK(f.cat.get(f.a.public_id(), t0)->rtt == std::chrono::microseconds{10'000});
  CHECK_FALSE(f.cat.get(f.b.public_id(), t0).has_value());
  CHECK(f.cat.get(c.public_id(), t0).has_value());
  CHECK_FALSE(f.cat.get(c.public_id(), t0)->rtt.has_value());
  // Counting and signed reads do not filter by RTT.
  CHECK(f.cat.peers_count(t0) == 3);
  CHECK(f.cat.signed_peers(t0).size() == 3);
  // Smoothing: b gets fast again, slowly.
  for (int i = 0; i < 30; ++i)
    f.cat.record_rtt(f.b.public_id(), millis{5});
  CHECK(f.cat.get(f.b.public_id(), t0).has_value());
}

TEST_CASE("catalog: a full catalog refuses new peers without charging anyone") {
  auto cfg = test_config();
  cfg.max_peers = 2;
  fixture f{cfg};
  REQUIRE(f.cat.ingest(signed_entry_of(f.a, t0.count(), t0.count()), f.relay, t0));
  REQUIRE(f.cat.ingest(signed_entry_of(f.b, t0.count(), t0.count()), f.relay, t0));
  auto r = f.cat.ingest(signed_entry_of(key_of(3), t0.count(), t0.count()), f.relay, t0);
  CHECK(r.error() == rejection::catalog_full);
  CHECK(f.cat.penalties().score(f.relay, t0) == 0);
  // Known peers still update.
  CHECK(f.cat.ingest(signed_entry_of(f.a, t0.count(), t0.count() + 1), f.relay, t0));
}

TEST_CASE("catalog: sync summaries select exactly what the other side lacks") {
  fixture f;
  auto va = signed_entry_of(f.a, t0.count(), t0.count() + 5);
  auto vb = signed_entry_of(f.b, t0.count(), t0.count());
  REQUIRE(f.cat.ingest(va, f.relay, t0));
  REQUIRE(f.cat.ingest(vb, f.relay, t0));
  auto later = t0 + millis{300};
  auto summary = f.cat.summary(later);
  CHECK(summary.size() == 3);
  CHECK(summary[0] == summary_item{f.local_key.public_id(), f.cat.me().version()});

  // They hold a newer b, an older a and nothing of us.
  std::vector<summary_item> theirs{{f.a.public_id(), {t0.count(), t0.count()}},
                                   {f.b.public_id(), {t0.count(), t0.count() + 9}}};
  auto missing = f.cat.newer_than(theirs, later);
  REQUIRE(missing.size() == 2);
  CHECK(missing[0].entry == f.cat.me());
  CHECK(missing[0].age == millis{0});
  CHECK(missing[1].entry == va);
  CHECK(missing[1].age == millis{300});
  CHECK(f.cat.newer_than(f.cat.summary(later), later).empty());
}

namespace {

/// Distinct keys beyond key_of's 256.
secret_key key_at(std::uint32_t i) {
  secret_key::seed_type seed;
  seed.fill(0x5A);
  for (std::size_t b = 0; b < 4; ++b)
    seed[b] = static_cast<std::uint8_t>(i >> (8 * b));
  return secret_key::from_seed(seed);
}

/// `relay` relays `count` self-signed entries of fresh keys from `*next` on.
void flood(catalog& cat, const peer_id& relay, std::uint32_t& next, std::size_t count, millis now) {
  for (std::size_t i = 0; i < count; ++i)
    (void)cat.ingest(signed_entry_of(key_at(next++), now.count(), now.count()), relay, now);
}

} // namespace

TEST_CASE("catalog: start times before the epoch or after the update are refused and counted") {
  fixture f;
  auto now_ms = t0.count();
  for (auto start : {INT64_MAX, now_ms + 1, std::int64_t{-1}, INT64_MIN}) {
    CAPTURE(start);
    CHECK(f.cat.ingest(signed_entry_of(f.a, start, now_ms), f.relay, t0).error()
          == rejection::bad_start);
  }
  CHECK(f.cat.stats().rejected_of(rejection::bad_start) == 4);
  CHECK(f.cat.penalties().score(f.relay, t0) == 4 * f.cfg.penalties.time_drift);
  CHECK(f.cat.peers_count(t0) == 0);
  // Start at the epoch, or equal to the update, is fine.
  CHECK(f.cat.ingest(signed_entry_of(f.b, 0, now_ms), f.relay, t0));
  REQUIRE(f.cat.ingest(signed_entry_of(f.a, now_ms, now_ms), f.relay, t0));

  // A departure's last version is held to the same rules, and its update
  // may not lie in the future either.
  auto bye = [&](entry_version v) { return departure::sign(test_network(), f.a, v, t0); };
  CHECK(f.cat.ingest_departure(bye({INT64_MAX, now_ms}), f.relay, t0) == rejection::bad_start);
  auto ahead = now_ms + f.cfg.max_time_drift.count() + 1;
  CHECK(f.cat.ingest_departure(bye({now_ms, ahead}), f.relay, t0) == rejection::time_drift);
  CHECK(f.cat.get(f.a.public_id(), t0).has_value());
  CHECK_FALSE(f.cat.ingest_departure(bye({now_ms, now_ms}), f.relay, t0).has_value());
}

TEST_CASE("catalog: one relayer inserts at most max_peers_per_relayer entries, uncharged") {
  auto cfg = test_config();
  cfg.max_peers_per_relayer = 2;
  fixture f{cfg};
  auto c = key_of(3);
  REQUIRE(f.cat.ingest(signed_entry_of(f.a, t0.count(), t0.count()), f.relay, t0));
  REQUIRE(f.cat.ingest(signed_entry_of(f.b, t0.count(), t0.count()), f.relay, t0));
  CHECK(f.cat.ingest(signed_entry_of(c, t0.count(), t0.count()), f.relay, t0).error()
        == rejection::relayer_quota);
  CHECK(f.cat.stats().rejected_of(rejection::relayer_quota) == 1);
  CHECK(f.cat.penalties().score(f.relay, t0) == 0);
  // Its entries still refresh; another relayer, the local API and a linked
  // peer's own entry are not held to its quota.
  CHECK(f.cat.ingest(signed_entry_of(f.a, t0.count(), t0.count() + 1), f.relay, t0));
  CHECK(f.cat.ingest(signed_entry_of(c, t0.count(), t0.count()), key_of(51).public_id(), t0));
  CHECK(f.cat.ingest(signed_entry_of(key_of(4), t0.count(), t0.count()), std::nullopt, t0));
  f.cat.set_linked(key_of(5).public_id(), true);
  CHECK(f.cat.ingest(signed_entry_of(key_of(5), t0.count(), t0.count()), f.relay, t0));
  CHECK(f.cat.peers_count(t0) == 5);
}

TEST_CASE("catalog: a full catalog evicts the lowest entry for a newcomer that outranks it") {
  auto cfg = test_config();
  cfg.max_peers = 2;
  fixture f{cfg};
  REQUIRE(f.cat.ingest(signed_entry_of(f.a, t0.count(), t0.count()), f.relay, t0));
  REQUIRE(f.cat.ingest(signed_entry_of(f.b, t0.count(), t0.count() + 1), f.relay, t0 + millis{1}));
  (void)f.cat.take_events();
  // Another relayer holds fewer entries: the relay's oldest goes.
  auto now = t0 + millis{2};
  auto c = signed_entry_of(key_of(3), now.count(), now.count());
  CHECK(*f.cat.ingest(c, key_of(51).public_id(), now) == accepted::discovered);
  auto events = f.cat.take_events();
  REQUIRE(events.size() == 2);
  REQUIRE(holds<peer_departed>(events, 0));
  CHECK(std::get<peer_departed>(events[0]).peer == f.a.public_id());
  CHECK(std::get<peer_departed>(events[0]).cause == departure_cause::evicted);
  CHECK(holds<peer_discovered>(events, 1));
  CHECK(f.cat.stats().evicted_of(eviction_reason::relayer_load) == 1);
  CHECK_FALSE(f.cat.get(f.a.public_id(), now).has_value());
  CHECK(f.cat.peers_count(now) == 2);
  CHECK(f.cat.summary(now).size() == 3);
  // Unlike a departure, eviction does not block the peer's next version:
  // a relay lighter than the heaviest brings it back, evicting by age.
  CHECK(*f.cat.ingest(signed_entry_of(f.a, t0.count(), now.count()), std::nullopt, now)
        == accepted::discovered);
  CHECK(f.cat.stats().evicted_of(eviction_reason::older) == 1);
  CHECK_FALSE(f.cat.get(f.b.public_id(), now).has_value());
}

TEST_CASE("catalog: a linked peer's entry keeps its place however old - unlinked, it may go") {
  auto cfg = test_config();
  cfg.max_peers = 2;
  fixture f{cfg};
  f.cat.set_linked(f.a.public_id(), true);
  REQUIRE(f.cat.ingest(signed_entry_of(f.a, t0.count(), t0.count()), f.a.public_id(), t0));
  REQUIRE(f.cat.ingest(signed_entry_of(f.b, t0.count(), t0.count()), f.relay, t0));
  auto later = t0 + 3 * cfg.announce_interval; // neither entry is recent now
  auto junk = [&](std::uint8_t n) {
    return f.cat.ingest(signed_entry_of(key_of(n), later.count(), later.count()),
                        key_of(51).public_id(), later);
  };
  REQUIRE(junk(10));
  CHECK_FALSE(f.cat.get(f.b.public_id(), later).has_value());
  CHECK(f.cat.stats().evicted_of(eviction_reason::not_recent) == 1);
  // Only the relayed newcomer is left to displace, and it ties.
  CHECK(junk(11).error() == rejection::catalog_full);
  CHECK(f.cat.get(f.a.public_id(), later).has_value());
  f.cat.set_linked(f.a.public_id(), false);
  REQUIRE(junk(12));
  CHECK_FALSE(f.cat.get(f.a.public_id(), later).has_value());
  CHECK(f.cat.stats().evicted_of(eviction_reason::not_recent) == 2);
}

TEST_CASE("catalog: 4096+ self-signed entries relayed by one peer do not lock out an honest newcomer") {
  fixture f; // the default max_peers
  std::uint32_t next = 0;
  flood(f.cat, f.relay, next, f.cfg.max_peers + 4, t0);
  auto honest_relay = key_of(60).public_id();
  auto now = t0 + millis{1};
  CHECK(f.cat.ingest(signed_entry_of(f.a, now.count(), now.count()), honest_relay, now));
  // More of the same changes nothing.
  flood(f.cat, f.relay, next, f.cfg.max_peers, now);
  CHECK(f.cat.get_signed(f.a.public_id(), now) != nullptr);
  CHECK(f.cat.stats().rejected_of(rejection::relayer_quota) >= f.cfg.max_peers);
}

TEST_CASE("catalog: attackers on five links fill the catalog - an honest newcomer still gets in and stays") {
  fixture f; // the default max_peers and quota
  std::vector<peer_id> attackers;
  for (std::uint8_t i = 0; i < 5; ++i)
    attackers.push_back(key_of(static_cast<std::uint8_t>(70 + i)).public_id());
  std::uint32_t next = 0;
  for (const auto& a : attackers)
    flood(f.cat, a, next, f.cfg.max_peers_per_relayer + 100, t0);
  REQUIRE(f.cat.peers_count(t0) == f.cfg.max_peers);
  CHECK(f.cat.stats().evicted_of(eviction_reason::relayer_load) > 0);

  // The honest peer heartbeats every interval, as live peers do, while the
  // attackers keep relaying fresh entries.
  auto honest_relay = key_of(60).public_id();
  for (int round = 0; round < 3; ++round) {
    auto now = t0 + round * f.cfg.announce_interval + millis{1};
    CAPTURE(round);
    CHECK(f.cat.ingest(signed_entry_of(f.a, t0.count(), now.count()), honest_relay, now));
    for (const auto& a : attackers)
      flood(f.cat, a, next, 200, now);
    CHECK(f.cat.get_signed(f.a.public_id(), now) != nullptr);
    CHECK(f.cat.peers_count(now) == f.cfg.max_peers);
  }
  CHECK(f.cat.stats().rejected_of(rejection::catalog_full) > 0);
}
