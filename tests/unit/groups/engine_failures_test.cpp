// How the engine's operations fail: refusals, deadlines, close and storage.

#include "tests/support/aborts.hpp"
#include "tests/unit/groups/engine_cluster.hpp"
#include "tests/unit/groups/engine_checks.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::groups;
using namespace mosaik::groups::testing;

namespace {

const op_failure& failure_of(engine_cluster& c, std::size_t k, op_id id) {
  return as<failed>(c.wait_for(k, id)).failure;
}

std::vector<bytes> two() { return {to_bytes("add a 1"), to_bytes("add b 1")}; }

} // namespace

TEST_CASE("an empty command list fails as no_commands") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto l = c.leader();
  c.eng(l).execute(1, {}, c.now() + far, c.now());
  c.eng(l).feed(2, {}, c.now() + far, c.now());
  for (op_id id : {1, 2}) {
    const auto& f = failure_of(c, l, id);
    CHECK(f.code == op_errc::no_commands);
    CHECK(is_definite(f.code));
  }
}

TEST_CASE("oversized commands and too many operations are rejected before proposing") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto l = c.leader();
  auto last = c.eng(l).view().last_index;
  bytes big(engine_config{}.max_command_bytes + 1, 'x');
  c.eng(l).execute(1, {to_bytes("add a 1"), big}, c.now() + far, c.now());
  const auto& f = failure_of(c, l, 1);
  CHECK(f.code == op_errc::rejected);
  CHECK(f.unsent.size() == 2);
  CHECK(c.eng(l).view().last_index == last); // not even the small one
}

TEST_CASE("operations beyond max_pending_ops are rejected") {
  engine_cluster c(3, [](engine_config& cfg) { cfg.max_pending_ops = 2; });
  REQUIRE(c.elect(3));
  auto l = c.leader();
  c.isolate(l); // nothing commits: the first two stay in flight
  c.eng(l).execute(1, two(), c.now() + far, c.now());
  c.eng(l).query(2, to_bytes("a"), consistency::strong, c.now() + far, c.now());
  c.eng(l).execute(3, two(), c.now() + far, c.now());
  c.settle();
  CHECK(c.find(l, 1) == nullptr);
  CHECK(c.find(l, 2) == nullptr);
  const auto& f = as<failed>(c.find(l, 3)).failure;
  CHECK(f.code == op_errc::rejected);
  CHECK(f.unsent == two());
}

TEST_CASE("a partitioned leader times out with an unknown outcome") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto l = c.leader();
  c.isolate(l);
  auto start = c.now();
  c.eng(l).execute(1, two(), start + millis{1000}, start);
  c.eng(l).feed(2, two(), start + millis{1000}, start);
  // Appended by the leader, so fed at once; never committed.
  CHECK(as<fed>(c.wait_for(l, 2, millis{0})).range.last > 0);
  c.run_for(millis{900});
  CHECK(c.find(l, 1) == nullptr);
  const auto& f = failure_of(c, l, 1);
  CHECK(f.code == op_errc::timeout);
  CHECK_FALSE(is_definite(f.code));
  CHECK(f.unsent.empty()); // both may still commit
  CHECK(c.now() - start == millis{1000}); // the first tick at the deadline
}

TEST_CASE("a member without a leader fails proposals at once as no_leader") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto f = c.follower();
  c.isolate(f);
  c.run_for(millis{6000});
  REQUIRE_FALSE(c.eng(f).view().leader.has_value());
  c.eng(f).execute(1, two(), c.now() + far, c.now());
  c.settle();
  const auto& no = as<failed>(c.find(f, 1)).failure;
  CHECK(no.code == op_errc::no_leader);
  CHECK(is_definite(no.code));
  CHECK(no.unsent == two());
  CHECK(c.delivered_count(f, "forward_proposal") == 0);
}

TEST_CASE("a forward the leader never answers fails with an unknown outcome") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto l = c.leader();
  auto f = c.follower();
  c.cut(l, f); // the follower still believes in its leader for a while
  auto start = c.now();
  c.eng(f).execute(1, two(), start + far, start);
  const auto& no = failure_of(c, f, 1);
  CHECK(no.code == op_errc::timeout);
  CHECK(no.unsent.empty());
  // The core's forward timeout (2 s) ended it, not the far deadline.
  CHECK(c.now() - start == millis{2000});
}

TEST_CASE("a proposal overwritten by a new leader fails as leader_changed") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto old = c.leader();
  c.isolate(old);
  c.eng(old).execute(1, two(), c.now() + far, c.now());
  // The other two elect a leader and commit over the old leader's entries.
  c.run_for(millis{6000});
  auto leaders = c.leaders();
  std::size_t fresh = old;
  for (auto k : leaders)
    if (k != old)
      fresh = k;
  REQUIRE(fresh != old);
  c.eng(fresh).execute(2, {to_bytes("add z 1")}, c.now() + far, c.now());
  as<executed>(c.wait_for(fresh, 2));
  c.heal();
  const auto& no = failure_of(c, old, 1);
  CHECK(no.code == op_errc::leader_changed);
  CHECK(no.unsent == two()); // another entry committed at both indices
  c.run_for(millis{1000});
  CHECK(c.machine(old).values.count("a") == 0);
  CHECK(c.machine(old).values["z"] == 1);
}

TEST_CASE("close fails the operations in flight and every later one") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto l = c.leader();
  c.isolate(l);
  c.eng(l).execute(1, two(), c.now() + far, c.now());
  c.eng(l).query(2, to_bytes("a"), consistency::strong, c.now() + far, c.now());
  c.settle();
  REQUIRE(c.find(l, 1) == nullptr);
  REQUIRE(c.find(l, 2) == nullptr);
  c.eng(l).close(c.now());
  c.settle();
  // The execute's entries are in the leader's log: not definite.
  const auto& closed_execute = as<failed>(c.find(l, 1)).failure;
  CHECK_FALSE(is_definite(closed_execute.code));
  CHECK(closed_execute.detail == "the group is closed");
  CHECK(as<failed>(c.find(l, 2)).failure.code == op_errc::closed);
  c.eng(l).feed(3, two(), c.now() + far, c.now());
  c.eng(l).query(4, to_bytes("a"), consistency::weak, c.now() + far, c.now());
  c.settle();
  CHECK(as<failed>(c.find(l, 3)).failure.code == op_errc::closed);
  CHECK(as<failed>(c.find(l, 3)).failure.unsent == two());
  CHECK(as<failed>(c.find(l, 4)).failure.code == op_errc::closed);
  c.run_for(millis{3000});
  CHECK(c.at(l).completions.size() == 4); // each ended exactly once
}

TEST_CASE("a persister failure stops the engine and fails operations with storage") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto l = c.leader();
  auto f = c.follower();
  c.eng(f).execute(1, two(), c.now() + far, c.now());
  c.at(l).persister.fail = true;
  c.settle();
  // The leader cannot persist the forwarded entries: it stops.
  CHECK(c.eng(l).stopped());
  REQUIRE_FALSE(c.at(l).errors.empty());
  CHECK(c.at(l).errors.back().code == raft::raft_errc::storage);
  c.eng(l).execute(2, two(), c.now() + far, c.now());
  c.eng(l).query(3, to_bytes("a"), consistency::strong, c.now() + far, c.now());
  c.settle();
  CHECK(as<failed>(c.find(l, 2)).failure.code == op_errc::storage);
  CHECK(as<failed>(c.find(l, 3)).failure.code == op_errc::storage);
  // Stopped: no input makes it act, so nothing more is written or sent.
  auto persisted = c.at(l).persister.persisted;
  auto sent = c.delivered_count(l, "heartbeat");
  c.run_for(millis{1000});
  CHECK(c.at(l).persister.persisted == persisted);
  CHECK(c.delivered_count(l, "heartbeat") == sent);
}

TEST_CASE("a persister failure fails the operations waiting on the member") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto l = c.leader();
  c.complete_writes = false;
  c.eng(l).execute(1, two(), c.now() + far, c.now());
  c.eng(l).query(2, to_bytes("a"), consistency::strong, c.now() + far, c.now());
  c.eng(l).execute(3, {to_bytes("add c 1")}, c.now() + far, c.now());
  // Op 1's entries are on disk and go out; the next write (op 3's entries
  // and the read's round) fails.
  c.at(l).persister.fail = true;
  REQUIRE(c.complete_write(l));
  CHECK(c.eng(l).stopped());
  c.complete_writes = true;
  c.run_for(millis{1000});
  // The entries reached the followers before the write failed: the next
  // leader may commit them, so the outcome is unknown, not "storage".
  const auto& maybe = as<failed>(c.find(l, 1)).failure;
  CHECK_FALSE(is_definite(maybe.code));
  CHECK(maybe.detail.rfind("persisting a ready", 0) == 0);
  CHECK(as<failed>(c.find(l, 2)).failure.code == op_errc::storage);
  as<failed>(c.find(l, 3));
  c.run_for(millis{10000}); // the other two elect a leader of their own
  for (std::size_t k = 0; k < 3; ++k)
    if (k != l) {
      CHECK(c.machine(k).values["a"] == 1); // committed after all
      CHECK(c.machine(k).values["c"] == 0); // never left the old leader
    }
}

TEST_CASE("an endless ready loop and a reused op id are checked failures") {
  auto endless = test::abort_message([] {
    engine_cluster c(1, [](engine_config& cfg) { cfg.bugs.endless_ready = true; });
  });
  REQUIRE(endless);
  CHECK(endless->find("readies in one drain") != std::string::npos);
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto l = c.leader();
  c.isolate(l);
  c.eng(l).execute(1, two(), c.now() + far, c.now());
  auto reused = test::abort_message([&] { c.eng(l).feed(1, two(), c.now() + far, c.now()); });
  REQUIRE(reused);
  CHECK(reused->find("op 1 is already in flight") != std::string::npos);
}
