// The engine's feed and execute over a group of in-process engines.

#include "tests/unit/groups/engine_cluster.hpp"
#include "tests/unit/groups/engine_checks.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::groups;
using namespace mosaik::groups::testing;

namespace {

std::vector<bytes> commands(std::initializer_list<std::string_view> list) {
  std::vector<bytes> out;
  for (auto s : list)
    out.push_back(to_bytes(s));
  return out;
}

void check_replicas_equal(engine_cluster& c) {
  for (std::size_t k = 1; k < c.size(); ++k) {
    CHECK(c.machine(k).values == c.machine(0).values);
    CHECK(c.machine(k).outcomes == c.machine(0).outcomes);
  }
}

} // namespace

TEST_CASE("three engines elect exactly one leader that every member knows") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto l = c.leader();
  for (std::size_t k = 0; k < 3; ++k) {
    const auto& v = c.eng(k).view();
    CHECK(v.role == (k == l ? raft::role::leader : raft::role::follower));
    CHECK(v.leader == member_id(l));
    CHECK(v.term == c.eng(l).view().term);
    CHECK(v.online);
    CHECK(v.voters == 3);
    REQUIRE_FALSE(c.at(k).views.empty());
    CHECK(c.at(k).views.back() == v); // the last view emitted is the current one
  }
  c.run_for(millis{5000});
  CHECK(c.leaders() == std::vector<std::size_t>{l}); // stable without faults
}

TEST_CASE("the view is emitted only when it changes") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto f = c.follower();
  auto views = c.at(f).views.size();
  c.run_for(millis{5000}); // heartbeats only
  CHECK(c.at(f).views.size() == views);
  auto last = c.eng(f).view().last_index;
  c.eng(c.leader()).execute(1, commands({"add a 1"}), c.now() + far, c.now());
  c.wait_for(c.leader(), 1);
  c.run_for(millis{1000});
  REQUIRE(c.at(f).views.size() > views);
  CHECK(c.at(f).views.back().last_index == last + 1);
  CHECK(c.at(f).views.back().applied == last + 1);
  CHECK(c.at(f).views.back() == c.eng(f).view());
}

TEST_CASE("five engines elect exactly one leader with five voters") {
  engine_cluster c(5);
  REQUIRE(c.elect(5));
  auto l = c.leader();
  for (std::size_t k = 0; k < 5; ++k)
    CHECK(c.eng(k).view().leader == member_id(l));
}

TEST_CASE("an execute on the leader is applied on every replica with its result") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto l = c.leader();
  auto next = c.eng(l).view().last_index + 1;
  c.eng(l).execute(1, commands({"add a 2"}), c.now() + far, c.now());
  const auto& done = as<executed>(c.wait_for(l, 1));
  CHECK(done.range == index_range{next, next});
  REQUIRE(done.results.size() == 1);
  REQUIRE(done.results[0].has_value());
  CHECK(text(*done.results[0]) == "2");
  CHECK(c.eng(l).view().applied >= next);
  c.run_for(millis{1000}); // the followers learn the commit
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(c.machine(k).values["a"] == 2);
    REQUIRE(c.machine(k).contexts.size() == 1);
    CHECK(c.machine(k).contexts[0].index == next);
    CHECK(c.machine(k).contexts[0].group == group_id::from("engine tests"));
    CHECK(c.machine(k).contexts[0].term == c.eng(l).view().term);
  }
}

TEST_CASE("an execute on a follower is forwarded and returns every outcome in order") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto f = c.follower();
  c.eng(f).execute(7, commands({"add a 5", "add a -2", "add b 1"}), c.now() + far, c.now());
  const auto& done = as<executed>(c.wait_for(f, 7));
  REQUIRE(done.results.size() == 3);
  CHECK(text(*done.results[0]) == "5");
  CHECK(text(*done.results[1]) == "3");
  CHECK(text(*done.results[2]) == "1");
  CHECK(done.range.last - done.range.first == 2);
  CHECK(c.machine(f).outcomes.at(done.range.first) == "=5");
  // The three commands leave the follower in one message.
  CHECK(c.delivered_count(f, "forward_proposal_batch") == 1);
  CHECK(c.delivered_count(f, "forward_proposal") == 0);
  c.run_for(millis{1000});
  CHECK(c.machine(c.leader()).values == std::map<std::string, std::int64_t>{{"a", 3}, {"b", 1}});
  check_replicas_equal(c);
}

TEST_CASE("feeds complete with consecutive index ranges") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto l = c.leader();
  auto next = c.eng(l).view().last_index + 1;
  c.eng(l).feed(1, commands({"add x 1"}), c.now() + far, c.now());
  c.eng(l).feed(2, commands({"add x 1", "add x 1", "add x 1"}), c.now() + far, c.now());
  CHECK(as<fed>(c.wait_for(l, 1)).range == index_range{next, next});
  CHECK(as<fed>(c.wait_for(l, 2)).range == index_range{next + 1, next + 3});
  // Fed from a follower: the leader assigns the next indices.
  auto f = c.follower();
  c.eng(f).feed(3, commands({"add x 1", "add x 1"}), c.now() + far, c.now());
  CHECK(as<fed>(c.wait_for(f, 3)).range == index_range{next + 4, next + 5});
  c.run_for(millis{1000});
  for (std::size_t k = 0; k < 3; ++k)
    CHECK(c.machine(k).values["x"] == 6);
}

TEST_CASE("a rejected command is rejected on every replica and leaves the state equal") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto f = c.follower();
  c.eng(f).execute(1, commands({"add a 2", "add a -5", "junk", "add a 1"}), c.now() + far,
                   c.now());
  const auto& done = as<executed>(c.wait_for(f, 1));
  REQUIRE(done.results.size() == 4);
  CHECK(text(*done.results[0]) == "2");
  REQUIRE_FALSE(done.results[1].has_value());
  CHECK(done.results[1].error() == "negative");
  REQUIRE_FALSE(done.results[2].has_value());
  CHECK(done.results[2].error() == "bad command");
  CHECK(text(*done.results[3]) == "3");
  c.run_for(millis{1000});
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(c.machine(k).values["a"] == 3);
    CHECK(c.machine(k).outcomes.at(done.range.first + 1) == "!negative");
  }
  check_replicas_equal(c);
}

TEST_CASE("a restarted member replays the committed entries into a fresh machine") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto l = c.leader();
  c.eng(l).execute(1, commands({"add a 4", "add a -9", "add b 2"}), c.now() + far, c.now());
  as<executed>(c.wait_for(l, 1));
  // A commit index reaches a follower's disk with the next entries it
  // writes (never as a write of its own): op 2 carries op 1's.
  c.eng(l).execute(2, commands({"add c 1"}), c.now() + far, c.now());
  as<executed>(c.wait_for(l, 2));
  c.run_for(millis{1000});
  auto f = c.follower();
  auto before = c.machine(f).outcomes;
  REQUIRE(before.size() == 4);
  c.restart(f);
  // Replayed by create, before any message arrives: what its store says is
  // committed, at least op 1.
  auto durable = c.at(f).store.initial_hard_state().commit;
  CHECK(c.eng(f).view().applied == durable);
  std::map<raft::index_t, std::string> replayed(before.begin(), before.upper_bound(durable));
  CHECK(replayed.size() >= 3);
  CHECK(c.machine(f).outcomes == replayed);
  CHECK(c.machine(f).values["a"] == 4);
  CHECK(c.machine(f).values["b"] == 2);
  c.bond(f);
  c.eng(l).execute(3, commands({"add b 1"}), c.now() + far, c.now());
  as<executed>(c.wait_for(l, 3));
  c.run_for(millis{1000});
  CHECK(c.machine(f).values["b"] == 3);
  CHECK(c.eng(f).view().applied == c.eng(l).view().commit);
  check_replicas_equal(c);
}
