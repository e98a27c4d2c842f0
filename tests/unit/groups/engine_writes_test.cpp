// The engine's queued writes (as a group actor's persister makes them):
// nothing that depends on a write leaves before it is durable, inputs that
// arrive meanwhile batch into the next write, a commit index alone is no
// write, and a write lost in a crash loses nothing committed.

#include "tests/unit/groups/engine_cluster.hpp"
#include "tests/unit/groups/engine_checks.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::groups;
using namespace mosaik::groups::testing;

namespace {

std::vector<bytes> one(std::string_view c) { return {to_bytes(c)}; }

} // namespace

TEST_CASE("proposals that arrive while a write is on disk go into the next write") {
  engine_cluster c(1);
  REQUIRE(c.elect(1));
  c.complete_writes = false;
  auto& p = c.at(0).persister;
  auto writes = p.persisted;
  for (op_id id = 1; id <= 4; ++id)
    c.eng(0).execute(id, one("add a 1"), c.now() + far, c.now());
  CHECK(p.persisted == writes + 1); // op 1's entry; ops 2 to 4 wait for it
  CHECK(c.eng(0).persisting());
  CHECK(c.find(0, 1) == nullptr);
  REQUIRE(c.complete_write(0));
  as<executed>(c.find(0, 1));
  CHECK(p.persisted == writes + 2);
  CHECK(p.entries_per_write.back() == 3);
  REQUIRE(c.complete_write(0));
  for (op_id id = 2; id <= 4; ++id)
    as<executed>(c.find(0, id));
  CHECK(c.machine(0).values["a"] == 4);
  CHECK_FALSE(c.eng(0).persisting());
}

TEST_CASE("a member sends nothing that depends on its write before the write is durable") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto l = c.leader();
  c.complete_writes = false;
  auto appends = c.delivered_count(l, "append");
  c.eng(l).execute(1, one("add a 1"), c.now() + far, c.now());
  c.settle();
  CHECK(c.delivered_count(l, "append") == appends); // the leader's write is queued
  REQUIRE(c.complete_write(l));
  c.settle();
  CHECK(c.delivered_count(l, "append") == appends + 2);
  for (std::size_t k = 0; k < 3; ++k) {
    if (k == l)
      continue;
    auto answers = c.delivered_count(k, "append_response");
    CHECK(c.eng(k).persisting());
    c.settle();
    CHECK(c.delivered_count(k, "append_response") == answers); // not before its write
    REQUIRE(c.complete_write(k));
    c.settle();
    CHECK(c.delivered_count(k, "append_response") > answers);
  }
  c.complete_writes = true;
  as<executed>(c.wait_for(l, 1));
}

TEST_CASE("a hard state that moved only its commit index is not a write of its own") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto l = c.leader();
  std::vector<std::size_t> before;
  for (std::size_t k = 0; k < 3; ++k)
    before.push_back(c.at(k).persister.persisted);
  c.eng(l).execute(1, one("add a 1"), c.now() + far, c.now());
  as<executed>(c.wait_for(l, 1));
  c.run_for(millis{2000}); // heartbeats carry the new commit index
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(c.eng(k).view().applied == c.eng(l).view().commit);
    CHECK(c.at(k).persister.persisted == before[k] + 1); // the entry, nothing else
  }
  // The next entries carry the commit index to disk.
  c.eng(l).execute(2, one("add a 1"), c.now() + far, c.now());
  as<executed>(c.wait_for(l, 2));
  c.run_for(millis{2000});
  for (std::size_t k = 0; k < 3; ++k)
    CHECK(c.at(k).store.initial_hard_state().commit >= c.eng(l).view().commit - 1);
}

TEST_CASE("a failed queued write stops the engine and fails its operations") {
  engine_cluster c(1);
  REQUIRE(c.elect(1));
  c.complete_writes = false;
  c.eng(0).execute(1, one("add a 1"), c.now() + far, c.now());
  c.eng(0).execute(2, one("add a 1"), c.now() + far, c.now());
  REQUIRE(c.eng(0).persisting());
  c.at(0).persister.pending.reset();
  c.eng(0).persisted(unexpected{raft::storage_error{raft::storage_errc::io, "disk full"}}, c.now());
  CHECK(c.eng(0).stopped());
  CHECK_FALSE(c.eng(0).persisting());
  c.settle();
  for (op_id id = 1; id <= 2; ++id) {
    // Proposed and accepted by the leader before its write failed: the
    // outcome is unknown to the operation table, not "storage".
    const auto& f = as<failed>(c.find(0, id)).failure;
    CHECK_FALSE(is_definite(f.code));
    CHECK(f.detail.find("disk full") != std::string::npos);
  }
  CHECK(c.machine(0).values["a"] == 0);
}

TEST_CASE("a follower that crashes with a write under way loses nothing committed") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto l = c.leader();
  auto f = c.follower();
  c.eng(l).execute(1, one("add a 1"), c.now() + far, c.now());
  as<executed>(c.wait_for(l, 1));
  c.complete_writes = false;
  c.eng(l).execute(2, one("add a 2"), c.now() + far, c.now());
  REQUIRE(c.complete_write(l));
  c.settle();
  REQUIRE(c.eng(f).persisting());
  c.restart(f); // its write of op 2's entry never became durable
  c.complete_writes = true;
  c.bond(f);
  as<executed>(c.wait_for(l, 2));
  c.run_for(millis{2000});
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(c.machine(k).values["a"] == 3);
    CHECK(c.eng(k).view().applied == c.eng(l).view().commit);
  }
}
