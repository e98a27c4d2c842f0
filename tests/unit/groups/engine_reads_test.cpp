// The engine's weak and strong queries.

#include "tests/unit/groups/engine_cluster.hpp"
#include "tests/unit/groups/engine_checks.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::groups;
using namespace mosaik::groups::testing;

namespace {

/// Elects a leader and commits a = 3 everywhere; returns the write's index.
raft::index_t write_a(engine_cluster& c) {
  REQUIRE(c.elect(3));
  auto l = c.leader();
  c.eng(l).execute(1, {to_bytes("add a 3")}, c.now() + far, c.now());
  auto index = as<executed>(c.wait_for(l, 1)).range.first;
  c.run_for(millis{1000});
  return index;
}

} // namespace

TEST_CASE("a weak query answers at once from the local machine") {
  engine_cluster c(3);
  auto index = write_a(c);
  auto f = c.follower();
  c.settle();
  c.eng(f).take_output();
  c.eng(f).query(6, to_bytes("a"), consistency::weak, c.now() + far, c.now());
  auto out = c.eng(f).take_output();
  REQUIRE(out.completions.size() == 1);
  const auto& r = std::get<queried>(out.completions[0]);
  CHECK(r.id == 6);
  CHECK(text(r.result) == "3");
  CHECK(r.at >= index);
  CHECK(r.at == c.eng(f).view().applied);
}

TEST_CASE("a weak query on a campaigning member fails as offline") {
  engine_cluster c(3);
  write_a(c);
  auto f = c.follower();
  c.isolate(f);
  c.run_for(millis{6000});
  auto role = c.eng(f).view().role;
  REQUIRE((role == raft::role::pre_candidate || role == raft::role::candidate));
  CHECK_FALSE(c.eng(f).view().online);
  c.eng(f).query(2, to_bytes("a"), consistency::weak, c.now() + far, c.now());
  const auto& no = as<failed>(c.wait_for(f, 2));
  CHECK(no.failure.code == op_errc::offline);
}

TEST_CASE("a refused query fails as rejected with the machine's message") {
  engine_cluster c(3);
  write_a(c);
  auto f = c.follower();
  c.eng(f).query(2, to_bytes("?a"), consistency::weak, c.now() + far, c.now());
  c.eng(f).query(3, to_bytes("?a"), consistency::strong, c.now() + far, c.now());
  for (op_id id : {2, 3}) {
    const auto& no = as<failed>(c.wait_for(f, id));
    CHECK(no.failure.code == op_errc::rejected);
    CHECK(no.failure.detail == "refused query");
  }
}

TEST_CASE("a strong query on a follower is served at or after the leader's commit") {
  engine_cluster c(3);
  auto index = write_a(c);
  auto f = c.follower();
  auto l = c.leader();
  // The follower has not heard of the second write's commit yet.
  c.cut(l, f);
  c.eng(l).execute(2, {to_bytes("add a 4")}, c.now() + far, c.now());
  auto second = as<executed>(c.wait_for(l, 2)).range.first;
  CHECK(c.machine(f).values["a"] == 3);
  c.heal();
  c.eng(f).query(4, to_bytes("a"), consistency::strong, c.now() + far, c.now());
  const auto& r = as<queried>(c.wait_for(f, 4));
  CHECK(text(r.result) == "7");
  CHECK(r.at >= second);
  CHECK(second > index);
}

TEST_CASE("a strong query waits until the member has applied its read index") {
  engine_cluster c(3);
  write_a(c);
  auto l = c.leader();
  auto f = c.follower();
  // The follower hears nothing from the leader but its answers to forwards:
  // it never learns of the next write's commit.
  c.drop = [&](const raft::message& m) {
    return m.from == member_id(l) && m.to == member_id(f) && !raft::is_forward(m);
  };
  c.eng(l).execute(2, {to_bytes("add a 4")}, c.now() + far, c.now());
  auto second = as<executed>(c.wait_for(l, 2)).range.first;
  c.eng(f).query(3, to_bytes("a"), consistency::strong, c.now() + far, c.now());
  c.run_for(millis{1000});
  CHECK(c.eng(f).view().applied < second);
  CHECK(c.find(f, 3) == nullptr); // confirmed at the second write's index, not applied here
  c.drop = nullptr;
  const auto& r = as<queried>(c.wait_for(f, 3));
  CHECK(text(r.result) == "7");
  CHECK(r.at >= second);
}

TEST_CASE("strong queries arriving during a round share the next round") {
  engine_cluster c(3);
  write_a(c);
  auto f = c.follower();
  auto rounds = c.delivered_count(f, "forward_read");
  // The first starts a round at once; the next two arrive while it is in
  // flight (nothing is delivered in between) and wait for one more round.
  for (op_id id : {10, 11, 12})
    c.eng(f).query(id, to_bytes("a"), consistency::strong, c.now() + far, c.now());
  for (op_id id : {10, 11, 12})
    CHECK(text(as<queried>(c.wait_for(f, id)).result) == "3");
  CHECK(c.delivered_count(f, "forward_read") - rounds == 2);
  // A query after the rounds ended starts its own.
  c.eng(f).query(13, to_bytes("a"), consistency::strong, c.now() + far, c.now());
  as<queried>(c.wait_for(f, 13));
  CHECK(c.delivered_count(f, "forward_read") - rounds == 3);
}

TEST_CASE("a strong query on the leader is confirmed by a heartbeat round") {
  engine_cluster c(3);
  write_a(c);
  auto l = c.leader();
  auto heartbeats = c.delivered_count(l, "heartbeat");
  c.eng(l).query(2, to_bytes("a"), consistency::strong, c.now() + far, c.now());
  CHECK(c.find(l, 2) == nullptr); // not before the followers confirm
  const auto& r = as<queried>(c.wait_for(l, 2));
  CHECK(text(r.result) == "3");
  CHECK(c.delivered_count(l, "heartbeat") > heartbeats);
}

TEST_CASE("a strong query fails when the read round cannot complete") {
  engine_cluster c(3);
  write_a(c);
  auto f = c.follower();
  c.isolate(f);
  // The forwarded read is never answered: the core's forward timeout
  // (2 s) reports it first.
  c.eng(f).query(2, to_bytes("a"), consistency::strong, c.now() + far, c.now());
  const auto& no = as<failed>(c.wait_for(f, 2));
  CHECK(no.failure.code == op_errc::timeout);
  // Once it knows no leader, the round is refused at once.
  c.run_for(millis{6000});
  REQUIRE_FALSE(c.eng(f).view().leader.has_value());
  c.eng(f).query(3, to_bytes("a"), consistency::strong, c.now() + far, c.now());
  c.settle();
  CHECK(as<failed>(c.find(f, 3)).failure.code == op_errc::no_leader);
}
