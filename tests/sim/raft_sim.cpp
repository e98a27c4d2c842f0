// raft_sim: runs seeded simulations of the Raft core and checks them.
//   raft_sim --seeds N --steps M [--seed S] [--nodes K] [--inject-bug NAME]
//            [--verbose] [--no-codec] [--check-determinism]
// Prints one line per run and a total; on a violation prints the seed and
// the command that replays it and exits with 1 (2 on a usage error).

#include "tests/sim/cluster.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace mosaik::sim;

namespace {

struct cli {
  std::uint64_t first_seed = 1;
  std::uint64_t seeds = 1;
  sim_options opts;
  bool check_determinism = false;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "raft_sim: %s\nusage: raft_sim --seeds N --steps M [--seed S] [--nodes K] "
               "[--inject-bug NAME] [--verbose] [--no-codec] [--check-determinism]\n",
               why.c_str());
  std::exit(2);
}

std::uint64_t number(std::string_view flag, const char* text) {
  char* end = nullptr;
  auto v = std::strtoull(text, &end, 10);
  if (!text[0] || *end)
    usage(std::string(flag) + " needs a number, got '" + text + "'");
  return v;
}

cli parse(int argc, char** argv) {
  cli c;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&] {
      if (i + 1 >= argc)
        usage(std::string(a) + " needs a value");
      return argv[++i];
    };
    if (a == "--seeds")
      c.seeds = number(a, value());
    else if (a == "--steps")
      c.opts.steps = number(a, value());
    else if (a == "--seed")
      c.first_seed = number(a, value());
    else if (a == "--nodes")
      c.opts.voters = number(a, value());
    else if (a == "--inject-bug")
      c.opts.bug = value();
    else if (a == "--verbose")
      c.opts.verbose = true;
    else if (a == "--no-codec")
      c.opts.codec = false;
    else if (a == "--check-determinism")
      c.check_determinism = true;
    else
      usage("unknown argument '" + std::string(a) + "'");
  }
  if (c.opts.voters != 0 && (c.opts.voters < 1 || c.opts.voters > 9))
    usage("--nodes must be between 1 and 9");
  const auto& bugs = known_bugs();
  if (!c.opts.bug.empty() && std::find(bugs.begin(), bugs.end(), c.opts.bug) == bugs.end())
    usage("unknown bug '" + c.opts.bug + "'");
  return c;
}

void print_run(std::uint64_t seed, const run_report& r) {
  const auto& f = r.faults;
  std::printf("seed=%llu voters=%zu observers=%zu steps=%llu sim=%.1fs elections=%llu "
              "leader_changes=%llu commits=%llu ops=%llu failed=%llu unknown=%llu reads=%llu "
              "faults[drop=%llu dup=%llu partition=%llu crash=%llu leader_crash=%llu persist_crash=%llu "
              "pause=%llu "
              "join=%llu depart=%llu death=%llu rejoin=%llu snapshot=%llu] trace=%016llx%s\n",
              static_cast<unsigned long long>(seed), r.voters, r.observers,
              static_cast<unsigned long long>(r.steps), r.sim_seconds,
              static_cast<unsigned long long>(r.elections),
              static_cast<unsigned long long>(r.leader_changes),
              static_cast<unsigned long long>(r.commits), static_cast<unsigned long long>(r.ops_ok),
              static_cast<unsigned long long>(r.ops_failed),
              static_cast<unsigned long long>(r.ops_unknown),
              static_cast<unsigned long long>(r.reads),
              static_cast<unsigned long long>(f.dropped),
              static_cast<unsigned long long>(f.duplicated),
              static_cast<unsigned long long>(f.partitions),
              static_cast<unsigned long long>(f.crashes),
              static_cast<unsigned long long>(f.leader_crashes),
              static_cast<unsigned long long>(f.persist_crashes),
              static_cast<unsigned long long>(f.pauses), static_cast<unsigned long long>(f.joins),
              static_cast<unsigned long long>(f.departures),
              static_cast<unsigned long long>(f.deaths),
              static_cast<unsigned long long>(f.rejoins),
              static_cast<unsigned long long>(f.snapshots),
              static_cast<unsigned long long>(r.trace),
              r.lin_inconclusive ? " (linearizability inconclusive on some keys)" : "");
}

void add(run_report& sum, const run_report& r) {
  sum.elections += r.elections;
  sum.leader_changes += r.leader_changes;
  sum.ops_ok += r.ops_ok;
  sum.ops_failed += r.ops_failed;
  sum.ops_unknown += r.ops_unknown;
  sum.reads += r.reads;
  auto& f = sum.faults;
  const auto& g = r.faults;
  f.dropped += g.dropped;
  f.duplicated += g.duplicated;
  f.partitions += g.partitions;
  f.crashes += g.crashes;
  f.leader_crashes += g.leader_crashes;
  f.persist_crashes += g.persist_crashes;
  f.pauses += g.pauses;
  f.joins += g.joins;
  f.departures += g.departures;
  f.deaths += g.deaths;
  f.rejoins += g.rejoins;
  f.snapshots += g.snapshots;
}

} // namespace

int main(int argc, char** argv) {
  auto c = parse(argc, argv);
  auto started = std::chrono::steady_clock::now();
  double sim_seconds = 0;
  std::uint64_t steps = 0;
  std::uint64_t runs = 0;
  run_report sum;
  int status = 0;
  for (std::uint64_t k = 0; k < c.seeds && status == 0; ++k) {
    auto opts = c.opts;
    opts.seed = c.first_seed + k;
    auto r = run_simulation(opts);
    ++runs;
    steps += r.steps;
    sim_seconds += r.sim_seconds;
    add(sum, r);
    print_run(opts.seed, r);
    if (c.check_determinism && r.ok) {
      auto again = run_simulation(opts);
      if (again.trace != r.trace) {
        std::printf("NONDETERMINISM seed=%llu: trace %016llx then %016llx\n",
                    static_cast<unsigned long long>(opts.seed),
                    static_cast<unsigned long long>(r.trace),
                    static_cast<unsigned long long>(again.trace));
        status = 1;
      }
    }
    if (!r.ok) {
      std::printf("VIOLATION seed=%llu: %s\n", static_cast<unsigned long long>(opts.seed),
                  r.violation.c_str());
      std::printf("replay: raft_sim --seed %llu --steps %llu --nodes %zu%s%s\n",
                  static_cast<unsigned long long>(opts.seed),
                  static_cast<unsigned long long>(opts.steps), r.voters,
                  opts.bug.empty() ? "" : " --inject-bug ", opts.bug.c_str());
      status = 1;
    }
  }
  auto wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto& f = sum.faults;
  std::printf("total: elections=%llu leader_changes=%llu ops=%llu failed=%llu unknown=%llu "
              "reads=%llu faults[drop=%llu dup=%llu partition=%llu crash=%llu leader_crash=%llu "
              "persist_crash=%llu pause=%llu join=%llu depart=%llu death=%llu rejoin=%llu "
              "snapshot=%llu]\n",
              static_cast<unsigned long long>(sum.elections),
              static_cast<unsigned long long>(sum.leader_changes),
              static_cast<unsigned long long>(sum.ops_ok),
              static_cast<unsigned long long>(sum.ops_failed),
              static_cast<unsigned long long>(sum.ops_unknown),
              static_cast<unsigned long long>(sum.reads),
              static_cast<unsigned long long>(f.dropped),
              static_cast<unsigned long long>(f.duplicated),
              static_cast<unsigned long long>(f.partitions),
              static_cast<unsigned long long>(f.crashes),
              static_cast<unsigned long long>(f.leader_crashes),
              static_cast<unsigned long long>(f.persist_crashes),
              static_cast<unsigned long long>(f.pauses), static_cast<unsigned long long>(f.joins),
              static_cast<unsigned long long>(f.departures),
              static_cast<unsigned long long>(f.deaths),
              static_cast<unsigned long long>(f.rejoins),
              static_cast<unsigned long long>(f.snapshots));
  std::printf("total: runs=%llu steps=%llu sim=%.1fs wall=%.2fs speed=%.0fx violations=%d\n",
              static_cast<unsigned long long>(runs), static_cast<unsigned long long>(steps),
              sim_seconds, wall, wall > 0 ? sim_seconds / wall : 0.0, status);
  return status;
}
