#include "actors/core/discovery/event_queue.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::discovery;

namespace {

peer_id peer(std::uint8_t i) {
  secret_key::seed_type s{};
  s[0] = i;
  return secret_key::from_seed(s).public_id();
}

event departed(std::uint8_t i) {
  return peer_departed{peer(i), departure_cause::purged};
}

const peer_id& who(const event& e) {
  return std::get<peer_departed>(e).peer;
}

} // namespace

TEST_CASE("discovery event queue: one batch in flight, the rest wait in order") {
  event_queue q{10};
  CHECK_FALSE(q.take());
  q.push(departed(1));
  auto first = q.take();
  REQUIRE(first);
  REQUIRE(first->events.size() == 1);
  CHECK(who(first->events[0]) == peer(1));
  q.push(departed(2));
  q.push(departed(3));
  CHECK_FALSE(q.take()); // the first batch is not answered yet
  q.acknowledged();
  auto second = q.take();
  REQUIRE(second);
  REQUIRE(second->events.size() == 2);
  CHECK(who(second->events[0]) == peer(2));
  CHECK(who(second->events[1]) == peer(3));
  CHECK(second->lost == 0);
}

TEST_CASE("discovery event queue: past its capacity the oldest give way and are counted once") {
  event_queue q{2};
  q.push(departed(1));
  REQUIRE(q.take());
  for (std::uint8_t i = 2; i <= 6; ++i)
    q.push(departed(i));
  CHECK(q.waiting() == 2);
  CHECK(q.lost_total() == 3);
  q.acknowledged();
  auto b = q.take();
  REQUIRE(b);
  CHECK(b->lost == 3);
  REQUIRE(b->events.size() == 2);
  CHECK(who(b->events[0]) == peer(5));
  CHECK(who(b->events[1]) == peer(6));
  q.acknowledged();
  CHECK_FALSE(q.take()); // nothing new, and the loss was reported
}
