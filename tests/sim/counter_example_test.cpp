// The README's example of mosaik::testing: a user's counter machine tested
// through a leader crash, in simulated time (well under a second of wall
// time). Kept compiling and passing here so the README stays true.
#include "tests/support/testing.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;

struct counter {
  using command = std::int64_t;
  using query = caf::unit_t;
  using result = std::int64_t;
  static constexpr std::string_view signature = "counter.v1";
  std::int64_t value = 0;
  void apply(const command& c, const mosaik::groups::apply_context&) { value += c; }
  result read(const query&) const { return value; }
};

TEST_CASE("example: the counter survives a leader crash") {
  mosaik::testing::cluster c{5, /*seed*/ 42};
  c.start_all();
  auto g = c.join_all<counter>("counters");
  REQUIRE(c.run_until([&] { return c.formed(g); }, 30s));
  auto first = c.execute(g, 0, +1, 5s);
  REQUIRE(c.await(first, 10s));
  REQUIRE(first->value());

  auto old = *c.leader(g);
  c.crash(old);
  // A write sent before the others notice would wait for the old leader and
  // end unknown (timeout); wait for the new leader first.
  REQUIRE(c.run_until([&] { return c.leader(g) && *c.leader(g) != old; }, 30s));
  auto second = c.execute(g, c.any_member(g, old), +1, 10s);
  REQUIRE(c.await(second, 20s));
  REQUIRE(second->value());

  auto read = c.query(g, c.any_member(g, old), {}, mosaik::groups::consistency::strong, 5s);
  REQUIRE(c.await(read, 10s));
  CHECK(read->value()->value == 2);
  CHECK(*c.leader(g) != old);
}
