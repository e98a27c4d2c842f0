// The engine's state sync (sync/sync_driver.hpp) among engines: a follower
// far behind fetches the gap from its peers, appends it through the Raft
// core and applies every entry once; one a little behind is left to Raft.

#include "tests/unit/groups/engine_checks.hpp"
#include "tests/unit/groups/engine_cluster.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mosaik;
using namespace mosaik::groups;
using namespace mosaik::groups::testing;

namespace {

/// Leaders ship 4 KiB per append, one in flight: Raft alone is slow to
/// close a big gap.
void slow_appends(engine_config& cfg) {
  cfg.max_append_bytes = 4096;
  cfg.max_inflight = 1;
  cfg.sync.batch_size = 200;
  cfg.sync.fetch_timeout = millis{1000};
}

/// `n` commands adding 1 to ten counters in turn, each padded to ~100 bytes.
std::vector<bytes> adds(std::size_t n) {
  std::vector<bytes> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(to_bytes("add k" + std::to_string(i % 10) + std::string(90, 'p') + " 1"));
  return out;
}

/// Commits `n` commands on the leader while member f is cut off.
void commit_while_cut_off(engine_cluster& c, std::size_t f, std::size_t n) {
  auto l = c.leader();
  c.isolate(f);
  c.eng(l).execute(1, adds(n), c.now() + far, c.now());
  as<executed>(c.wait_for(l, 1));
  c.heal();
}

} // namespace

TEST_CASE("engine sync: a follower far behind catches up from its peers and applies every entry once") {
  engine_cluster c(5, slow_appends);
  REQUIRE(c.elect(5));
  auto l = c.leader();
  auto f = c.follower();
  commit_while_cut_off(c, f, 2000);
  auto target = c.eng(l).view().commit;
  c.run_for(millis{3000});
  CHECK(c.eng(f).view().applied >= target);
  auto t = c.eng(f).sync();
  MESSAGE("fetched ", t.entries.entries_fetched, ", from the leader ", t.entries.entries_from_leader);
  CHECK(t.sessions_started == 1);
  CHECK(t.sessions_completed == 1);
  CHECK_FALSE(t.active);
  CHECK(t.entries.entries_fetched > t.entries.entries_from_leader);
  CHECK(t.entries.batches_rejected == 0);
  CHECK(c.sync_delivered > 0);
  // Each of the 2000 commands applied once: 200 on each counter.
  for (int k = 0; k < 10; ++k)
    CHECK(c.machine(f).values["k" + std::to_string(k) + std::string(90, 'p')] == 200);
  CHECK(c.machine(f).log == c.machine(l).log);
  for (std::size_t k = 0; k < c.size(); ++k)
    if (k != f)
      CHECK(c.eng(k).sync().sessions_started == 0);
}

TEST_CASE("engine sync: a follower a few entries behind is left to Raft") {
  engine_cluster c(3, slow_appends);
  REQUIRE(c.elect(3));
  auto l = c.leader();
  auto f = c.follower();
  commit_while_cut_off(c, f, 20); // under min_gap
  c.run_for(millis{3000});
  CHECK(c.eng(f).view().applied == c.eng(l).view().applied);
  CHECK(c.eng(f).sync().sessions_started == 0);
  CHECK(c.sync_delivered == 0);
}

TEST_CASE("engine sync: a follower that reaches only the leader fetches from the leader, Raft shipping nothing") {
  engine_cluster c(3, slow_appends);
  REQUIRE(c.elect(3));
  auto l = c.leader();
  auto f = c.follower();
  auto f_id = c.eng(f).raft().id();
  // Raft delivers no entries to f: whatever it gets, log replay fetched.
  c.drop = [&](const raft::message& m) {
    const auto* a = std::get_if<raft::append_request>(&m.body);
    return m.to == f_id && a && !a->entries.empty();
  };
  commit_while_cut_off(c, f, 500);
  for (std::size_t k = 0; k < c.size(); ++k)
    if (k != l && k != f)
      c.cut(k, f); // the session's other peer never answers
  c.run_for(millis{20000});
  CHECK(c.eng(f).view().applied == c.eng(l).view().applied);
  CHECK(c.machine(f).log == c.machine(l).log);
  auto t = c.eng(f).sync();
  CHECK(t.sessions_completed == 1);
  CHECK(t.entries.entries_fetched >= 500);
  CHECK(t.entries.entries_fetched == t.entries.entries_from_leader);
}
