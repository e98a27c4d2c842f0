// The reconnect backoff: its waits, their jitter, their cap, giving up
// after the elapsed budget, reset, and replay from a seed.
#include "actors/core/streams/backoff.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace mosaik;
using namespace mosaik::streams;
using namespace std::chrono_literals;

namespace {

/// The waits of a policy whose attempts all fail at once after each wait,
/// until it gives up.
std::vector<millis> waits_until_give_up(std::uint64_t seed, const backoff_config& cfg = {}) {
  rng r{seed};
  backoff b{cfg, 0ms};
  std::vector<millis> out;
  millis now{0};
  while (auto w = b.next(now, r)) {
    out.push_back(*w);
    now += *w;
    REQUIRE(out.size() < 1000);
  }
  return out;
}

} // namespace

TEST_CASE("backoff waits stay within half and one and a half of the interval") {
  rng r{1};
  backoff b{{}, 0ms};
  auto interval = 500.0;  // grows x1.5, in whole milliseconds
  for (int k = 0; k < 8; ++k) {
    CHECK(b.current_interval() == millis{static_cast<long>(interval)});
    auto w = b.next(0ms, r);
    REQUIRE(w);
    CHECK(w->count() >= static_cast<long>(interval * 0.5));
    CHECK(w->count() <= static_cast<long>(interval * 1.5));
    interval = std::floor(interval * 1.5);
  }
}

TEST_CASE("backoff jitter covers the whole range") {
  millis lowest{1'000'000}, highest{0};
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    rng r{seed};
    backoff b{{}, 0ms};
    auto w = *b.next(0ms, r);
    lowest = std::min(lowest, w);
    highest = std::max(highest, w);
  }
  CHECK(lowest >= 250ms);
  CHECK(lowest < 300ms);
  CHECK(highest <= 750ms);
  CHECK(highest > 700ms);
}

TEST_CASE("backoff never waits longer than the maximum interval") {
  rng r{3};
  backoff b{{}, 0ms};
  for (int k = 0; k < 100; ++k) {
    auto w = b.next(0ms, r);
    REQUIRE(w);
    CHECK(*w <= 60s);
  }
  CHECK(b.current_interval() == 60s);
}

TEST_CASE("backoff gives up once the next wait would end past 300 s") {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    auto waits = waits_until_give_up(seed);
    millis total{0};
    for (auto w : waits)
      total += w;
    CHECK(total <= 300s);
    // The refused wait is at most 60 s, so it would have fitted earlier.
    CHECK(total > 300s - 60s);
    CHECK(waits.size() > 8);
  }
}

TEST_CASE("backoff reset starts the waits and the budget again") {
  rng r{4};
  backoff b{{}, 0ms};
  for (int k = 0; k < 5; ++k)
    REQUIRE(b.next(0ms, r));
  CHECK(b.current_interval() > 500ms);
  CHECK_FALSE(b.next(299'900ms, r));
  b.reset(299'900ms);
  CHECK(b.current_interval() == 500ms);
  auto w = b.next(299'900ms, r);
  REQUIRE(w);
  CHECK(*w <= 750ms);
}

TEST_CASE("backoff replays from its seed") {
  CHECK(waits_until_give_up(9) == waits_until_give_up(9));
  CHECK(waits_until_give_up(9) != waits_until_give_up(10));
}
