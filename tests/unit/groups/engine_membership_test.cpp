// The engine's bond inputs: departures, observers and groups that
// bootstrapped apart.

#include "tests/unit/groups/engine_cluster.hpp"
#include "tests/unit/groups/engine_checks.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::groups;
using namespace mosaik::groups::testing;

TEST_CASE("a departed member leaves the configuration at once") {
  engine_cluster c(3);
  REQUIRE(c.elect(3));
  auto l = c.leader();
  auto f = c.follower();
  for (std::size_t k = 0; k < 3; ++k)
    if (k != f)
      c.eng(k).bond_departed(member_id(f), c.now());
  c.isolate(f);
  c.run_for(millis{2000});
  CHECK(c.eng(l).view().voters == 2);
  const auto& conf = c.eng(l).raft().current_config();
  CHECK(std::find(conf.voters.begin(), conf.voters.end(), member_id(f)) == conf.voters.end());
  // The two left still commit.
  c.eng(l).execute(1, {to_bytes("add a 1")}, c.now() + far, c.now());
  CHECK(text(*as<executed>(c.wait_for(l, 1)).results.at(0)) == "1");
}

TEST_CASE("an observer replicates and forwards but never votes or leads") {
  auto observer = member_id(3);
  engine_cluster c(4, [&](engine_config& cfg) {
    cfg.consensus.min_voters = 3;
    if (cfg.self == observer)
      cfg.preference = raft::leadership::observer();
  });
  REQUIRE(c.elect(3));
  CHECK(c.eng(3).view().observer);
  CHECK(c.eng(3).view().online);
  CHECK(c.eng(3).view().role == raft::role::follower);
  c.eng(3).execute(1, {to_bytes("add a 2")}, c.now() + far, c.now());
  CHECK(text(*as<executed>(c.wait_for(3, 1)).results.at(0)) == "2");
  // Without the leader the observer never campaigns.
  auto l = c.leader();
  c.isolate(l);
  c.run_for(millis{10000});
  CHECK(c.eng(3).view().role == raft::role::follower);
  CHECK(c.eng(3).view().voters == 3);
}

TEST_CASE("groups that bootstrapped apart report a split instead of merging") {
  engine_cluster a(1);
  engine_cluster b(1, [](engine_config& cfg) { cfg.seed = 77; }); // another bootstrap nonce
  REQUIRE(a.elect(1));
  REQUIRE(b.elect(1));
  REQUIRE(a.eng(0).lineage() != b.eng(0).lineage());
  raft::peer_info other{member_id(7), b.eng(0).lineage(), false};
  a.eng(0).bond_up(other, a.now());
  a.settle();
  REQUIRE_FALSE(a.at(0).errors.empty());
  CHECK(a.at(0).errors.back().code == raft::raft_errc::split_bootstrap);
  CHECK(a.at(0).errors.back().peer == member_id(7));
  CHECK_FALSE(a.eng(0).stopped());
}
