// Groups on whole simulated nodes (mosaik::testing): nodes that share only a
// network name and a group key bond, elect one leader and replicate a
// user's machine; operations from any node; a partitioned leader; crash and
// restart with the state the node persisted.
#include "tests/support/testing.hpp"

#include <caf/meta/type_name.hpp>

#include <doctest/doctest.h>

#include <map>
#include <string>

using namespace mosaik;
using namespace std::chrono_literals;
using mosaik::testing::cluster;

namespace {

/// A user's machine: named counters. Adding below zero is rejected.
struct add {
  std::string key;
  std::int64_t by = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, add& a) {
  return f(caf::meta::type_name("add"), a.key, a.by);
}

struct counters {
  using command = add;
  using query = std::string;
  using result = std::int64_t;
  static constexpr std::string_view signature = "test.counters.v1";

  std::map<std::string, std::int64_t> values;

  expected<std::int64_t, std::string> apply(const add& a, const groups::apply_context&) {
    auto next = values[a.key] + a.by;
    if (next < 0)
      return unexpected{std::string{"below zero"}};
    return values[a.key] = next;
  }
  std::int64_t read(const std::string& key) const {
    auto i = values.find(key);
    return i == values.end() ? 0 : i->second;
  }
};

/// Waits for one leader every running member follows, with every member a
/// voter (the leader promotes them one by one as they bond).
std::size_t elect(cluster& c, const testing::cluster_group<counters>& g) {
  auto agreed = [&] {
    auto l = c.leader(g);
    if (!l)
      return false;
    for (std::size_t i = 0; i < c.size(); ++i)
      if (auto v = c.view(i, g); v && (v->leader != c.peer(*l) || !v->online || v->voters != c.size()))
        return false;
    return true;
  };
  REQUIRE(c.run_until(agreed, 30s));
  return *c.leader(g);
}

/// Executes `a` on node i and returns the value apply answered.
std::int64_t execute_ok(cluster& c, const testing::cluster_group<counters>& g, std::size_t i,
                        const add& a) {
  auto r = c.execute(g, i, a, 5s);
  REQUIRE(c.await(r, 10s));
  REQUIRE_MESSAGE(r->value(), "execute on node ", i, " failed");
  REQUIRE(r->value()->results.size() == 1);
  REQUIRE(r->value()->results[0]);
  return *r->value()->results[0];
}

} // namespace

TEST_CASE("sim groups: three nodes form one group from discovery alone and elect one leader") {
  cluster c{3, 11};
  c.start_all();
  auto g = c.join_all<counters>("the counters");
  auto leader = elect(c, g);
  for (std::size_t i = 0; i < c.size(); ++i) {
    auto v = c.view(i, g);
    REQUIRE(v);
    CHECK(v->leader == c.peer(leader));
    CHECK(v->online);
    CHECK(c.bond_count(i, g) == 2);
  }
  // The group id is in every node's signed entry.
  for (std::size_t i = 0; i < c.size(); ++i)
    CHECK(c.discovery(i).eng->me().entry().groups().count(g.id) == 1);
}

TEST_CASE("sim groups: execute from every node, the results agree everywhere") {
  cluster c{3, 12};
  c.start_all();
  auto g = c.join_all<counters>("the counters");
  elect(c, g);
  CHECK(execute_ok(c, g, 0, {"a", 5}) == 5);
  CHECK(execute_ok(c, g, 1, {"a", 2}) == 7);
  CHECK(execute_ok(c, g, 2, {"a", -3}) == 4);
  // A rejected command is rejected, and changes nothing anywhere.
  auto bad = c.execute(g, 1, add{"a", -10}, 5s);
  REQUIRE(c.await(bad, 10s));
  REQUIRE(bad->value());
  REQUIRE_FALSE(bad->value()->results.at(0));
  CHECK(bad->value()->results[0].error() == "below zero");
  for (std::size_t i = 0; i < c.size(); ++i) {
    auto q = c.query(g, i, std::string{"a"}, groups::consistency::strong, 5s);
    REQUIRE(c.await(q, 10s));
    REQUIRE(q->value());
    CHECK(q->value()->value == 4);
  }
}

TEST_CASE("sim groups: a partitioned leader is replaced and the old one catches up after healing") {
  cluster c{3, 13};
  c.start_all();
  auto g = c.join_all<counters>("the counters");
  auto old = elect(c, g);
  CHECK(execute_ok(c, g, old, {"x", 1}) == 1);
  c.isolate(old);
  auto other = c.any_member(g, old);
  REQUIRE(c.run_until([&] {
    auto l = c.leader(g);
    return l && *l != old;
  }, 30s));
  // Writes on the majority side go on, from either of its nodes.
  CHECK(execute_ok(c, g, other, {"x", 10}) == 11);
  // The old leader cannot commit alone: its write times out or fails.
  auto stuck = c.execute(g, old, add{"x", 100}, 2s);
  REQUIRE(c.await(stuck, 5s));
  CHECK_FALSE(stuck->value());
  auto target = c.view(*c.leader(g), g)->commit;
  c.rejoin(old);
  REQUIRE(c.run_until([&] {
    auto v = c.view(old, g);
    return v && v->role != raft::role::leader && v->applied >= target;
  }, 60s));
  auto q = c.query(g, old, std::string{"x"}, groups::consistency::strong, 5s);
  REQUIRE(c.await(q, 20s));
  REQUIRE(q->value());
  // 11, or 111 if the stuck write was proposed and later committed.
  CHECK((q->value()->value == 11 || q->value()->value == 111));
}

TEST_CASE("sim groups: a crashed node restarts from its persisted log and replays it") {
  cluster c{3, 14};
  c.start_all();
  auto g = c.join_all<counters>("the counters");
  elect(c, g);
  for (int k = 0; k < 5; ++k)
    execute_ok(c, g, static_cast<std::size_t>(k % 3), {"y", 1});
  auto victim = c.any_member(g, c.leader(g));
  c.crash(victim);
  CHECK(execute_ok(c, g, *c.leader(g), {"y", 1}) == 6);
  auto target = c.view(*c.leader(g), g)->commit;
  c.restart(victim);
  REQUIRE(c.run_until([&] {
    auto v = c.view(victim, g);
    return v && v->applied >= target && v->leader;
  }, 60s));
  auto q = c.query(g, victim, std::string{"y"}, groups::consistency::weak, 5s);
  REQUIRE(c.await(q, 5s));
  REQUIRE(q->value());
  CHECK(q->value()->value == 6);
}
