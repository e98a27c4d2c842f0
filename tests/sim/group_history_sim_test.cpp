// Seeded runs of a register group under faults (group_history.hpp) whose
// client histories must be linearizable. CI runs a few seeds; replay or
// sweep with the environment:
//   MOSAIK_GROUP_SEED=N      the first seed (default 1)
//   MOSAIK_GROUP_SEEDS=K     how many seeds from it (default 50, 1 with a seed given)
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

} // namespace

TEST_CASE("sim groups: seeded runs with faults keep every client history linearizable") {
  auto first = env_number("MOSAIK_GROUP_SEED");
  auto count = env_number("MOSAIK_GROUP_SEEDS").value_or(first ? 1 : 50);
  auto bugs = bugs_from_env();
  for (auto seed = first.value_or(1); seed < first.value_or(1) + count; ++seed) {
    sim::group_run_options o;
    o.seed = seed;
    o.bugs = bugs;
    auto r = sim::run_group_history(o);
    std::cout << "seed=" << seed << " nodes=" << r.nodes << " ops=" << r.ops << " acknowledged=" << r.acknowledged
              << " unknown=" << r.unknown << " reads=" << r.reads << " faults=" << r.faults
              << (r.inconclusive ? " (linearizability inconclusive on some key)" : "") << "\n";
    // Every run must have exercised the group, or its history proves nothing.
    CHECK(r.acknowledged > 0);
    CHECK(r.reads > 0);
    if (!r.ok) {
      std::cout << "VIOLATION seed=" << seed << ": " << r.violation << "\n"
                << "replay: MOSAIK_GROUP_SEED=" << seed
                << " tests/sim/sim_groups_faults -tc='*seeded runs*'" << std::endl;
      FAIL_CHECK("seed ", seed, ": ", r.violation);
      break;
    }
  }
}
