// Real `mosaik-kv` processes on 127.0.0.1 (LMDB, fsync) under a client that
// records what every HTTP answer promised: a 200 write is on every node
// after the run, a 503 write on none, whatever is killed with kill -9 on
// the way. MOSAIK_KV_ROUNDS sets the crash rounds (scripts/kv-crash-rounds),
// MOSAIK_KV_SEED their victims.
#include "tests/proc/kv_history.hpp"

#include <cstdlib>
#include <random>

using namespace mosaik::test;
using namespace std::chrono_literals;

namespace {

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::stoull(v) : fallback;
}

/// The highest commit index any running node reports.
std::uint64_t max_commit(const kv_cluster& c) {
  std::uint64_t out = 0;
  for (std::size_t i = 0; i < c.nodes.size(); ++i)
    if (auto s = c.up(i) ? c.status(i) : std::nullopt)
      out = std::max(out, s->commit);
  return out;
}

/// Waits until `n` more writes were applied than now.
bool more_writes(const kv_writer& w, std::size_t n, std::chrono::milliseconds timeout) {
  auto target = w.applied() + n;
  return eventually([&] { return w.applied() >= target; }, timeout);
}

/// Stops the writer, waits for every node to apply everything, and checks
/// the history against every node.
void settle_and_check(kv_cluster& c, kv_writer& w) {
  w.stop();
  for (const auto& odd : w.odd_answers())
    FAIL_CHECK(odd);
  auto commit = max_commit(c);
  REQUIRE_MESSAGE(eventually([&] { return c.converged(commit); }, 30s), "no convergence within 30 s", c.report());
  auto result = check_history(c, w.history());
  CHECK(result.applied > 0);
  CHECK(result.lost == 0);
  CHECK(result.resurrected == 0);
}

void steady_writes(std::size_t nodes, std::size_t writes) {
  kv_cluster c{nodes};
  kv_writer w{c};
  REQUIRE(more_writes(w, writes, 60s));
  settle_and_check(c, w);
}

} // namespace

TEST_CASE("kv: three nodes under steady writes keep every acknowledged write") {
  steady_writes(3, 300);
}

TEST_CASE("kv: five nodes under steady writes keep every acknowledged write") {
  steady_writes(5, 150);
}

TEST_CASE("kv: rounds of kill -9 of a minority then restart keep every acknowledged write") {
  auto rounds = env_number("MOSAIK_KV_ROUNDS", 30);
  auto seed = env_number("MOSAIK_KV_SEED", std::random_device{}());
  MESSAGE("rounds ", rounds, " seed ", seed, " (MOSAIK_KV_ROUNDS, MOSAIK_KV_SEED)");
  std::mt19937_64 rng{seed};
  kv_cluster c{3};
  kv_writer w{c};
  std::size_t leader_kills = 0;
  for (std::uint64_t r = 0; r < rounds; ++r) {
    REQUIRE_MESSAGE(eventually([&] { return c.healthy(); }, 30s), "round ", r, ": not every node a voter",
                    c.report());
    auto leader = c.agreed_leader();
    REQUIRE(leader);
    auto victim = static_cast<std::size_t>(rng() % c.nodes.size());
    leader_kills += victim == *leader;
    c.kill(victim);
    // The two left commit on: a new leader when the old one died.
    REQUIRE_MESSAGE(more_writes(w, 3, 30s), "round ", r, ": no writes with node ", victim, " down", c.report());
    c.restart(victim);
    auto commit = max_commit(c);
    REQUIRE_MESSAGE(eventually([&] {
                      auto s = c.status(victim);
                      return s && s->applied >= commit && !s->leader.empty();
                    }, 30s),
                    "round ", r, ": node ", victim, " did not catch up to ", commit, c.report());
  }
  MESSAGE(rounds, " rounds, the leader killed in ", leader_kills);
  settle_and_check(c, w);
}

TEST_CASE("kv: kill -9 of every node then restart keeps every acknowledged write") {
  kv_cluster c{3};
  kv_writer w{c};
  REQUIRE(more_writes(w, 100, 60s));
  for (std::size_t i = 0; i < c.nodes.size(); ++i)
    REQUIRE(c.nodes[i].proc->signal(SIGKILL));
  w.stop(); // its last writes meet dead nodes: no answer, unknown
  for (std::size_t i = 0; i < c.nodes.size(); ++i)
    c.kill(i); // reaps it
  for (std::size_t i = 0; i < c.nodes.size(); ++i)
    c.restart(i);
  REQUIRE_MESSAGE(eventually([&] { return c.agreed_leader().has_value(); }, 30s), c.report());
  kv_writer after{c, "after-"}; // the group takes writes again
  REQUIRE(more_writes(after, 20, 30s));
  settle_and_check(c, after);
  auto before = check_history(c, w.history());
  CHECK(before.applied >= 100);
  CHECK(before.lost == 0);
  CHECK(before.resurrected == 0);
}
