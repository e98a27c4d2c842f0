// A vote granted without a term change must be as durable as one granted
// with it (§5.2, Figure 2: votedFor is persistent state). The node first
// learns the term from a candidate it refuses, then grants another
// candidate in that same term, crashes and restarts: the vote must still
// be there. The same script with the injected bug proves the test bites.

#include "tests/unit/raft/test_cluster.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::raft;
using testing::nid;
using testing::test_cluster;

namespace {

struct vote_script {
  bool granted_to_2 = false;
  std::optional<node_id> durable_vote; // in node 3's store after the grant
  bool granted_to_1_after_restart = false;
};

vote_script grant_crash_restart_ask_again(bool forget_vote_bug) {
  test_cluster c(3, [&](config& cfg) {
    cfg.check_quorum = false; // no leader lease: node 3 answers candidates at once
    cfg.bugs.forget_vote_on_restart = forget_vote_bug;
  });
  REQUIRE(c.form_group(3));
  c.isolate(3);
  auto term = c.node(3).status().soft.term + 1;
  auto lineage = c.node(3).lineage();
  auto last = c.node(3).status().last_index;
  auto ask = [&](std::uint8_t from, index_t last_index) {
    c.hold.insert(nid(3));
    c.held.clear();
    c.node(3).step({nid(from), nid(3), term, lineage, vote_request{false, last_index, term - 1}});
    c.stabilize();
    c.hold.clear();
    for (const auto& m : c.held)
      if (auto* r = std::get_if<vote_response>(&m.body); r && m.to == nid(from))
        return r->granted;
    FAIL("node 3 did not answer the vote request");
    return false;
  };
  vote_script out;
  REQUIRE_FALSE(ask(1, 0)); // a stale log: refused, but node 3 takes the term
  REQUIRE(c.node(3).status().hard.term == term);
  out.granted_to_2 = ask(2, last); // granted in the term it already has
  out.durable_vote = c.at(3).store.initial_hard_state().vote;
  c.crash(3);
  c.restart(3);
  c.isolate(3);
  REQUIRE(c.node(3).status().hard.term == term);
  out.granted_to_1_after_restart = ask(1, last);
  return out;
}

} // namespace

TEST_CASE("§5.2: a vote granted within a term survives a restart, so no second vote in it") {
  auto run = grant_crash_restart_ask_again(false);
  CHECK(run.granted_to_2);
  CHECK(run.durable_vote == nid(2));
  CHECK_FALSE(run.granted_to_1_after_restart);
}

TEST_CASE("§5.2: with the vote left unpersisted the restarted node votes twice in one term") {
  // The injected bug of raft_sim --inject-bug forget-vote-on-restart: the
  // script above must see it.
  auto run = grant_crash_restart_ask_again(true);
  CHECK(run.granted_to_2);
  CHECK(run.durable_vote == std::nullopt);
  CHECK(run.granted_to_1_after_restart);
}
