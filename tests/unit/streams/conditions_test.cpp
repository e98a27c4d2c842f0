// Channel conditions: counts, tags, predicates, inversion, composition,
// and the edges a watch reports.
#include "actors/core/streams/conditions.hpp"

#include "tests/unit/streams/fixtures.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::streams;
using namespace mosaik::streams::testing;

namespace {

const std::vector<peer_description> none;
const std::vector<peer_description> two_plain{describe(1), describe(2)};
const std::vector<peer_description> mixed{describe(1, {"gpu"}), describe(2), describe(3, {"gpu", "eu"})};

} // namespace

TEST_CASE("minimum_of counts connected channels") {
  CHECK(minimum_of(0).is_met(none));
  CHECK_FALSE(minimum_of(1).is_met(none));
  CHECK(minimum_of(2).is_met(two_plain));
  CHECK_FALSE(minimum_of(3).is_met(two_plain));
  CHECK(subscribed().is_met(two_plain));
  CHECK(unsubscribed().is_met(none));
  CHECK_FALSE(unsubscribed().is_met(two_plain));
}

TEST_CASE("with_tags counts only peers holding every tag") {
  auto gpu = tag::from("gpu");
  auto eu = tag::from("eu");
  CHECK(minimum_of(2).with_tags({gpu}).is_met(mixed));
  CHECK_FALSE(minimum_of(3).with_tags({gpu}).is_met(mixed));
  CHECK(minimum_of(1).with_tags({gpu, eu}).is_met(mixed));
  CHECK_FALSE(minimum_of(2).with_tags({gpu, eu}).is_met(mixed));
  CHECK_FALSE(minimum_of(2).with_tags({gpu}).with_tags({eu}).is_met(mixed));
}

TEST_CASE("with_predicate counts only peers passing it") {
  auto odd = [](const peer_description& p) { return p.entry.peer().raw()[0] % 2 == 1; };
  CHECK(minimum_of(2).with_predicate(odd).is_met(mixed));
  CHECK_FALSE(minimum_of(3).with_predicate(odd).is_met(mixed));
  auto gpu_and_odd = minimum_of(2).with_predicate(odd).with_tags({tag::from("gpu")});
  CHECK(gpu_and_odd.is_met(mixed));
  CHECK_FALSE(gpu_and_odd.is_met(two_plain));
}

TEST_CASE("unmet inverts and composes") {
  auto two = minimum_of(2);
  CHECK(two.unmet().is_met(none));
  CHECK_FALSE(two.unmet().is_met(two_plain));
  CHECK(two.unmet().unmet().is_met(two_plain));
  CHECK((minimum_of(1) && minimum_of(2)).is_met(two_plain));
  CHECK_FALSE((minimum_of(1) && minimum_of(3)).is_met(two_plain));
  CHECK((minimum_of(3) || minimum_of(2)).is_met(two_plain));
  CHECK_FALSE((minimum_of(3) || minimum_of(4)).is_met(two_plain));
  CHECK((minimum_of(3) || minimum_of(4)).unmet().is_met(two_plain));
}

TEST_CASE("a filter on a composite narrows every part") {
  auto either = (minimum_of(2) || minimum_of(3)).with_tags({tag::from("gpu")});
  CHECK(either.is_met(mixed));
  CHECK_FALSE(either.is_met(two_plain));
  auto all = (minimum_of(1) && minimum_of(2)).with_tags({tag::from("eu")});
  CHECK_FALSE(all.is_met(mixed));
}

TEST_CASE("a watch reports only the edges") {
  condition_watch w{minimum_of(2)};
  CHECK_FALSE(w.met());
  CHECK(w.update(none) == condition_edge::none);
  CHECK(w.update(two_plain) == condition_edge::became_met);
  CHECK(w.met());
  CHECK(w.update(mixed) == condition_edge::none);
  CHECK(w.update(std::vector<peer_description>{describe(1)}) == condition_edge::became_unmet);
  CHECK(w.update(none) == condition_edge::none);
  CHECK(w.update(mixed) == condition_edge::became_met);
}

TEST_CASE("a fresh watch of a met condition starts with an edge") {
  condition_watch w{minimum_of(0)};
  CHECK(w.update(none) == condition_edge::became_met);
  condition_watch again{w.condition()};
  CHECK(again.update(none) == condition_edge::became_met);
  CHECK(w.update(none) == condition_edge::none);
}
