#include "actors/core/discovery/penalty_box.hpp"
#include "tests/unit/discovery_fixtures.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::discovery;
using namespace mosaik::discovery::testing;

TEST_CASE("penalty box: weights add up to a ban - harmless rejections cost nothing") {
  penalty_policy policy;
  penalty_box box{policy};
  auto sender = key_of(1).public_id();
  millis now{1'000};
  CHECK_FALSE(box.charge(sender, rejection::duplicate, now));
  CHECK_FALSE(box.charge(sender, rejection::stale, now));
  CHECK_FALSE(box.charge(sender, rejection::catalog_full, now));
  CHECK(box.tracked() == 0);
  CHECK_FALSE(box.charge(sender, rejection::outdated, now));
  CHECK(box.score(sender, now) == policy.replay);
  CHECK_FALSE(box.charge(sender, rejection::malformed, now));
  CHECK_FALSE(box.banned(sender, now));
  CHECK(box.charge(sender, rejection::too_many_tags, now)); // crosses 100
  CHECK(box.banned(sender, now));
  // Further charges while banned do not re-announce the ban.
  CHECK_FALSE(box.charge(sender, rejection::bad_signature, now));
  CHECK(box.banned(sender, now + policy.ban_duration - millis{1}));
  CHECK_FALSE(box.banned(sender, now + policy.ban_duration));
}

TEST_CASE("penalty box: scores halve every half-life and idle senders are forgotten") {
  penalty_policy policy;
  penalty_box box{policy};
  auto sender = key_of(1).public_id();
  millis now{0};
  box.charge(sender, rejection::malformed, now); // 50
  box.charge(sender, rejection::time_drift, now); // 60
  CHECK(box.score(sender, now + policy.half_life - millis{1}) == 60);
  CHECK(box.score(sender, now + policy.half_life) == 30);
  CHECK(box.score(sender, now + 2 * policy.half_life) == 15);
  // Charging after one half-life keeps the phase: 30 + 50, halved later.
  box.charge(sender, rejection::malformed, now + policy.half_life + millis{10});
  CHECK(box.score(sender, now + 2 * policy.half_life) == 40);
  CHECK_FALSE(box.banned(sender, now + 2 * policy.half_life));
  box.forget_idle(now + 3 * policy.half_life);
  CHECK(box.tracked() == 1);
  box.forget_idle(now + 40 * policy.half_life);
  CHECK(box.tracked() == 0);
}

TEST_CASE("penalty box: tracking is bounded - the least suspicious sender is dropped") {
  penalty_policy policy;
  policy.max_tracked = 2;
  penalty_box box{policy};
  millis now{0};
  auto a = key_of(1).public_id(), b = key_of(2).public_id(), c = key_of(3).public_id();
  box.charge(a, rejection::malformed, now);
  box.charge(b, rejection::outdated, now);
  box.charge(c, rejection::time_drift, now);
  CHECK(box.tracked() == 2);
  CHECK(box.score(a, now) == policy.malformed);
  CHECK(box.score(b, now) == 0);
  CHECK(box.score(c, now) == policy.time_drift);
}
