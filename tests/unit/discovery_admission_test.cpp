#include "actors/core/discovery/admission.hpp"
#include "tests/unit/discovery_fixtures.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::discovery;
using namespace mosaik::discovery::testing;

namespace {

constexpr millis t0{1'000'000};
constexpr millis recent{2'000};
using kind = admission::verdict::kind;

peer_id peer(std::uint8_t n) {
  return key_of(n).public_id();
}

} // namespace

TEST_CASE("admission: standing is decided by linked, then recent, then relayer load, then age") {
  standing base{false, true, 5, t0};
  auto with = [&](auto change) {
    auto s = base;
    change(s);
    return s;
  };
  auto linked = with([](standing& s) { s.linked = true; s.recent = false; s.relayer_load = 99; });
  auto not_recent = with([](standing& s) { s.recent = false; s.verified_at = t0 + millis{1}; });
  auto heavier = with([](standing& s) { s.relayer_load = 6; s.verified_at = t0 + millis{1}; });
  auto older = with([](standing& s) { s.verified_at = t0 - millis{1}; });

  CHECK(outranks(linked, base) == eviction_reason::linked_peer);
  CHECK(outranks(base, not_recent) == eviction_reason::not_recent);
  CHECK(outranks(base, heavier) == eviction_reason::relayer_load);
  CHECK(outranks(base, older) == eviction_reason::older);
  // The order is strict: the loser never outranks, equals never do.
  for (const auto* low : {&not_recent, &heavier, &older}) {
    CHECK_FALSE(outranks(*low, base).has_value());
    CHECK_FALSE(outranks(base, linked).has_value());
  }
  CHECK_FALSE(outranks(base, base).has_value());
  CHECK(to_string(eviction_reason::relayer_load) == "relayer_load");
}

TEST_CASE("admission: a relayer inserts at most its quota - the local API and linked peers are exempt") {
  admission adm{100, 2, recent};
  relayer r = peer(50);
  adm.add(peer(1), r, t0);
  adm.add(peer(2), r, t0);
  CHECK(adm.load(r) == 2);
  CHECK(adm.judge(peer(3), r, t0, t0).what == kind::over_quota);
  CHECK(adm.judge(peer(3), peer(51), t0, t0).what == kind::admit);
  CHECK(adm.judge(peer(3), std::nullopt, t0, t0).what == kind::admit);
  // A linked peer's own entry gets in whoever relays it.
  adm.link_up(peer(3));
  CHECK(adm.judge(peer(3), r, t0, t0).what == kind::admit);
  // Removing (a purge, a departure) gives the quota back.
  adm.remove(peer(1));
  CHECK(adm.load(r) == 1);
  CHECK(adm.judge(peer(4), r, t0, t0).what == kind::admit);
  CHECK(adm.size() == 1);
}

TEST_CASE("admission: when full the heaviest relayer's oldest entry makes room") {
  admission adm{4, 10, recent};
  relayer heavy = peer(50);
  relayer light = peer(51);
  adm.add(peer(1), heavy, t0 + millis{2});
  adm.add(peer(2), heavy, t0 + millis{1}); // the oldest of the heaviest
  adm.add(peer(3), heavy, t0 + millis{3});
  adm.add(peer(4), light, t0);             // older, but its relayer is light
  auto v = adm.judge(peer(5), light, t0 + millis{4}, t0 + millis{4});
  CHECK(v.what == kind::evict);
  CHECK(v.victim == peer(2));
  CHECK(v.why == eviction_reason::relayer_load);
  // The heavy relayer itself only displaces its own oldest, by age.
  v = adm.judge(peer(5), heavy, t0 + millis{4}, t0 + millis{4});
  CHECK(v.what == kind::evict);
  CHECK(v.victim == peer(2));
  CHECK(v.why == eviction_reason::older);
  // judge changes nothing.
  CHECK(adm.size() == 4);
  CHECK(adm.load(heavy) == 3);
}

TEST_CASE("admission: ties keep the incumbent - a relayer at the top load cannot grow further") {
  admission adm{2, 10, recent};
  relayer a = peer(50);
  relayer b = peer(51);
  adm.add(peer(1), a, t0); // the lowest: as heavy as b's, older
  adm.add(peer(2), b, t0 + millis{1});
  auto later = t0 + millis{2};
  // b would hold 2 against a's 1: it does not outrank a's entry.
  CHECK(adm.judge(peer(3), b, later, later).what == kind::full);
  // The same relayer and entry time as the victim: a tie.
  CHECK(adm.judge(peer(3), a, t0, later).what == kind::full);
  auto v = adm.judge(peer(3), a, later, later);
  CHECK(v.what == kind::evict);
  CHECK(v.victim == peer(1));
  CHECK(v.why == eviction_reason::older);
}

TEST_CASE("admission: an entry not verified recently gives way to one that was") {
  admission adm{3, 10, recent};
  relayer light = peer(50);
  relayer heavy = peer(51);
  auto now = t0 + millis{3'000};
  adm.add(peer(1), light, t0); // a one-shot entry nobody refreshed
  adm.add(peer(2), heavy, t0);
  adm.refresh(peer(2), now); // a live peer, re-signed
  adm.add(peer(3), heavy, now);
  // heavy would hold 3 against light's 1, yet light's stale entry goes.
  auto v = adm.judge(peer(4), heavy, now, now);
  CHECK(v.what == kind::evict);
  CHECK(v.victim == peer(1));
  CHECK(v.why == eviction_reason::not_recent);
  // A newcomer that is not recent itself (synced long after it was
  // verified) has no such advantage: load, then age decide.
  auto synced = now - recent - millis{1};
  CHECK(adm.judge(peer(4), heavy, synced, now).what == kind::full);
  v = adm.judge(peer(4), peer(52), synced, now);
  CHECK(v.what == kind::evict);
  CHECK(v.victim == peer(1));
  CHECK(v.why == eviction_reason::older);
}

TEST_CASE("admission: a linked peer's entry is never evicted and displaces any relayed one") {
  admission adm{2, 10, recent};
  relayer r = peer(50);
  adm.link_up(peer(1)); // linked before its entry arrives
  adm.add(peer(1), peer(1), t0);
  adm.add(peer(2), r, t0 + millis{5'000});
  adm.link_up(peer(2)); // linked after
  auto later = t0 + millis{10'000};
  // Both held entries are linked: nothing can be evicted, even by a linked newcomer.
  CHECK(adm.judge(peer(3), std::nullopt, later, later).what == kind::full);
  adm.link_up(peer(3));
  CHECK(adm.judge(peer(3), r, later, later).what == kind::full);
  adm.link_down(peer(2));
  auto v = adm.judge(peer(3), r, later, later);
  CHECK(v.what == kind::evict);
  CHECK(v.victim == peer(2));
  CHECK(v.why == eviction_reason::linked_peer);
  // However old, linked entries are no candidates.
  adm.link_down(peer(3));
  adm.remove(peer(2));
  adm.add(peer(2), r, later);
  adm.link_up(peer(2));
  CHECK(adm.judge(peer(4), std::nullopt, later, later).what == kind::full);
  CHECK(adm.linked(peer(1)));
  CHECK_FALSE(adm.linked(peer(3)));
}
