// Seeded runs of a register group under faults (group_history.hpp) whose
// client histories must be linearizable; the slow-append runs make lagging
// followers catch up by log replay. CI runs a few seeds; replay or
// sweep with the environment:
//   MOSAIK_GROUP_SEED=N      the first seed (default 1)
//   MOSAIK_GROUP_SEEDS=K     how many seeds from it (default 50, and 20 of the
//                            slow-append runs; 1 with a seed given)
//   MOSAIK_GROUP_BUG=stale-read   every node serves strong reads without
//                            confirming leadership (the check must fail)
// scripts/group-sweep runs many seeds.
#include "tests/sim/group_history.hpp"
#include "tests/support/env.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <iostream>
#include <string>

using namespace mosaik;
using test::env_number;

namespace {

raft::injected_bugs bugs_from_env() {
  raft::injected_bugs bugs;
  const char* v = std::getenv("MOSAIK_GROUP_BUG");
  std::string name = v == nullptr ? "" : v;
  if (name == "stale-read")
    bugs.stale_read = true;
  else
    REQUIRE_MESSAGE(name.empty(), "MOSAIK_GROUP_BUG: unknown bug ", name);
  return bugs;
}

/// Seeds MOSAIK_GROUP_SEED.. (MOSAIK_GROUP_SEEDS of them, else `fallback`),
/// each checked; stops at the first violation, printing how to replay it.
sim::group_run_report run_seeds(std::uint64_t fallback, bool slow_appends, const char* test_case) {
  auto first = env_number("MOSAIK_GROUP_SEED");
  auto count = env_number("MOSAIK_GROUP_SEEDS").value_or(first ? 1 : fallback);
  auto bugs = bugs_from_env();
  sim::group_run_report total;
  for (auto seed = first.value_or(1); seed < first.value_or(1) + count; ++seed) {
    sim::group_run_options o;
    o.seed = seed;
    o.bugs = bugs;
    o.slow_appends = slow_appends;
    auto r = sim::run_group_history(o);
    std::cout << "seed=" << seed << " nodes=" << r.nodes << " ops=" << r.ops << " acknowledged=" << r.acknowledged
              << " unknown=" << r.unknown << " reads=" << r.reads << " faults=" << r.faults
              << " sync_sessions=" << r.sync_sessions << " sync_fetched=" << r.sync_fetched
              << (r.inconclusive ? " (linearizability inconclusive on some key)" : "") << "\n";
    // Every run must have exercised the group, or its history proves nothing.
    CHECK(r.acknowledged > 0);
    CHECK(r.reads > 0);
    total.sync_sessions += r.sync_sessions;
    total.sync_fetched += r.sync_fetched;
    if (!r.ok) {
      std::cout << "VIOLATION seed=" << seed << ": " << r.violation << "\n"
                << "replay: MOSAIK_GROUP_SEED=" << seed << " tests/sim/sim_groups_faults -tc='" << test_case
                << "'" << std::endl;
      FAIL_CHECK("seed ", seed, ": ", r.violation);
      break;
    }
  }
  return total;
}

} // namespace

TEST_CASE("sim groups: seeded runs with faults keep every client history linearizable") {
  run_seeds(50, false, "*seeded runs with faults*");
}

TEST_CASE("sim groups: seeded runs with slow appends catch up by log replay and stay linearizable") {
  auto total = run_seeds(20, true, "*seeded runs with slow appends*");
  // The runs exercised log replay, or they prove nothing about it.
  CHECK(total.sync_fetched > 0);
}
