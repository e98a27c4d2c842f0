#include "actors/core/link/backoff.hpp"
#include "actors/core/link/heartbeat_monitor.hpp"
#include "actors/core/link/misbehaviour.hpp"
#include "actors/core/link/rtt_estimator.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::link;
using namespace std::chrono_literals;
using micros = std::chrono::microseconds;

TEST_CASE("backoff: grows exponentially, stays within jitter and cap, resets") {
  backoff_config cfg{100ms, 1s, 2.0, 0.5};
  backoff b{cfg};
  std::mt19937_64 rng{42};
  duration expected_base = 100ms;
  for (int i = 0; i < 8; ++i) {
    auto d = b.next(rng);
    CHECK(d <= expected_base);
    CHECK(d >= expected_base / 2);
    expected_base = std::min<duration>(expected_base * 2, 1s);
  }
  b.reset();
  auto d = b.next(rng);
  CHECK(d <= 100ms);
  CHECK(d >= 50ms);
}

TEST_CASE("backoff: the same seed gives the same delays") {
  backoff a, b;
  std::mt19937_64 r1{7}, r2{7}, r3{8};
  backoff c;
  bool any_difference = false;
  for (int i = 0; i < 5; ++i) {
    auto x = a.next(r1);
    CHECK(x == b.next(r2));
    any_difference |= x != c.next(r3);
  }
  CHECK(any_difference);
}

TEST_CASE("heartbeat monitor: dead after the budget of silent intervals") {
  heartbeat_monitor m{3};
  CHECK(m.tick());
  CHECK(m.tick());
  CHECK_FALSE(m.tick());
  heartbeat_monitor n{3};
  for (int i = 0; i < 10; ++i) {
    n.heard();
    CHECK(n.tick());
  }
  CHECK(n.tick());
  CHECK(n.tick());
  n.heard(); // a late frame resets the count
  CHECK(n.tick());
  CHECK(n.missed() == 0);
}

TEST_CASE("rtt estimator: RFC 6298 constants") {
  rtt_estimator e{micros{1000}, micros{0}};
  CHECK_FALSE(e.has_sample());
  CHECK(e.rto() == micros{1'000'000});
  e.sample(micros{800});
  CHECK(e.srtt() == micros{800});
  CHECK(e.rttvar() == micros{400});
  CHECK(e.rto() == micros{800 + 1600});
  e.sample(micros{1600});
  // RTTVAR = 3/4 * 400 + 1/4 * |800 - 1600| = 500; SRTT = 7/8 * 800 + 1/8 * 1600 = 900
  CHECK(e.rttvar() == micros{500});
  CHECK(e.srtt() == micros{900});
  for (int i = 0; i < 100; ++i)
    e.sample(micros{100});
  CHECK(e.srtt() < micros{110});
  CHECK(e.rto() >= micros{1000}); // never below srtt + granularity
}

TEST_CASE("misbehaviour: threshold bans, points are forgiven, bans grow") {
  misbehaviour_config cfg;
  cfg.threshold = 3;
  cfg.forgive = 10s;
  cfg.ban = 60s;
  cfg.ban_growth = 2;
  misbehaviour_tracker t{cfg};
  secret_key::seed_type s{};
  auto peer = secret_key::from_seed(s).public_id();
  time_point now{};
  CHECK_FALSE(t.offend(peer, now));
  CHECK_FALSE(t.offend(peer, now));
  // 20 s of good behaviour forgive two points.
  now += 20s;
  CHECK(t.score(peer, now) == doctest::Approx(0));
  CHECK_FALSE(t.offend(peer, now));
  CHECK_FALSE(t.offend(peer, now));
  auto until = t.offend(peer, now);
  REQUIRE(until);
  CHECK(*until == now + 60s);
  CHECK(t.banned(peer, now + 59s));
  CHECK_FALSE(t.banned(peer, now + 60s));
  now += 61s;
  t.offend(peer, now);
  t.offend(peer, now);
  auto second = t.offend(peer, now);
  REQUIRE(second);
  CHECK(*second == now + 120s);
}

TEST_CASE("misbehaviour: a ban decided elsewhere holds until its end and never shortens one") {
  misbehaviour_tracker t{misbehaviour_config{}};
  secret_key::seed_type s{};
  auto peer = secret_key::from_seed(s).public_id();
  time_point now{};
  t.ban(peer, now, now + 30s);
  CHECK(t.banned(peer, now + 29s));
  CHECK_FALSE(t.banned(peer, now + 30s));
  t.ban(peer, now, now + 90s);
  t.ban(peer, now, now + 10s);
  CHECK(t.banned(peer, now + 89s));
  CHECK_FALSE(t.banned(peer, now + 90s));
}

TEST_CASE("misbehaviour: tracks a bounded number of peers") {
  misbehaviour_config cfg;
  cfg.capacity = 4;
  misbehaviour_tracker t{cfg};
  for (std::uint8_t i = 0; i < 10; ++i) {
    secret_key::seed_type s{};
    s[0] = i;
    t.offend(secret_key::from_seed(s).public_id(), time_point{} + std::chrono::seconds{i});
  }
  CHECK(t.tracked() == 4);
}
