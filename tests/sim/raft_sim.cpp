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
#include <utility>

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

using count = unsigned long long;

// Every fault counter with the name it is printed under, in print order: the
// per-run line, the total line and the sum all walk this one list.
constexpr std::pair<const char*, std::uint64_t fault_counts::*> fault_fields[] = {
  {"drop", &fault_counts::dropped},
  {"dup", &fault_counts::duplicated},
  {"partition", &fault_counts::partitions},
  {"crash", &fault_counts::crashes},
  {"leader_crash", &fault_counts::leader_crashes},
  {"persist_crash", &fault_counts::persist_crashes},
  {"pause", &fault_counts::pauses},
  {"join", &fault_counts::joins},
  {"depart", &fault_counts::departures},
  {"death", &fault_counts::deaths},
  {"rejoin", &fault_counts::rejoins},
  {"snapshot", &fault_counts::snapshots},
  {"sync", &fault_counts::syncs},
  {"sync_kept_log", &fault_counts::syncs_kept_log},
  {"sync_refused", &fault_counts::syncs_refused},
  {"sync_raced", &fault_counts::syncs_raced},
  {"compact", &fault_counts::compactions},
};

std::string faults_text(const fault_counts& f) {
  std::string out = "faults[";
  for (const auto& [name, field] : fault_fields) {
    if (out.size() > 7)
      out += ' ';
    out += std::string(name) + "=" + std::to_string(f.*field);
  }
  return out + "]";
}

void print_run(std::uint64_t seed, const run_report& r) {
  std::printf("seed=%llu voters=%zu observers=%zu steps=%llu sim=%.1fs elections=%llu "
              "leader_changes=%llu commits=%llu ops=%llu failed=%llu unknown=%llu reads=%llu "
              "%s trace=%016llx%s\n",
              static_cast<count>(seed), r.voters, r.observers, static_cast<count>(r.steps),
              r.sim_seconds, static_cast<count>(r.elections),
              static_cast<count>(r.leader_changes), static_cast<count>(r.commits),
              static_cast<count>(r.ops_ok), static_cast<count>(r.ops_failed),
              static_cast<count>(r.ops_unknown), static_cast<count>(r.reads),
              faults_text(r.faults).c_str(), static_cast<count>(r.trace),
              r.lin_inconclusive ? " (linearizability inconclusive on some keys)" : "");
}

void add(run_report& sum, const run_report& r) {
  sum.elections += r.elections;
  sum.leader_changes += r.leader_changes;
  sum.ops_ok += r.ops_ok;
  sum.ops_failed += r.ops_failed;
  sum.ops_unknown += r.ops_unknown;
  sum.reads += r.reads;
  for (const auto& [name, field] : fault_fields)
    sum.faults.*field += r.faults.*field;
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
  std::printf("total: elections=%llu leader_changes=%llu ops=%llu failed=%llu unknown=%llu "
              "reads=%llu %s\n",
              static_cast<count>(sum.elections), static_cast<count>(sum.leader_changes),
              static_cast<count>(sum.ops_ok), static_cast<count>(sum.ops_failed),
              static_cast<count>(sum.ops_unknown), static_cast<count>(sum.reads),
              faults_text(sum.faults).c_str());
  std::printf("total: runs=%llu steps=%llu sim=%.1fs wall=%.2fs speed=%.0fx violations=%d\n",
              static_cast<unsigned long long>(runs), static_cast<unsigned long long>(steps),
              sim_seconds, wall, wall > 0 ? sim_seconds / wall : 0.0, status);
  return status;
}
