// Crash test of the durable store: a child process appends entries and
// reports each index once its transaction has committed; the parent kills it
// with SIGKILL after a seeded random number of reports, 50 times, and after
// each kill reopens the store and checks that every reported index is there
// with a valid checksum, and that the log has no hole.
//
// A kill -9 loses nothing LMDB has committed even without fsync (the data is
// in the page cache), so this checks atomicity and recovery of the files
// and locks, not the sync discipline (see research/reliability.md 3.7).
#include "persistence/group_log_store.hpp"
#include "persistence/node_store.hpp"
#include "tests/proc/crash_workload.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using namespace mosaik;
using namespace std::chrono_literals;

namespace {

constexpr int generations = 50;
constexpr auto deadline_per_child = 30s;

std::uint64_t seed() {
  if (const char* s = std::getenv("MOSAIK_SEED"))
    return std::strtoull(s, nullptr, 10);
  return 20240605;
}

/// A running child with its stdout on a pipe.
struct child {
  pid_t pid = -1;
  int out = -1;
};

child spawn_child(const std::string& dir, raft::term_t generation, std::uint64_t seed) {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::string gen = std::to_string(generation);
  std::string sd = std::to_string(seed);
  std::string bin = STORAGE_CRASH_CHILD;
  char* argv[] = {bin.data(), const_cast<char*>(dir.c_str()), gen.data(), sd.data(), nullptr};
  child c;
  int rc = ::posix_spawn(&c.pid, bin.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  REQUIRE(rc == 0);
  c.out = fds[0];
  return c;
}

/// Reads whole lines from `fd` into `reported` until `stop(reported)` or
/// EOF. False when the deadline passes first.
template <class Stop>
bool read_reports(int fd, std::string& partial, std::vector<raft::index_t>& reported,
                  std::chrono::steady_clock::time_point deadline, Stop stop) {
  char buf[4096];
  while (!stop(reported)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    if (left <= 0ms)
      return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
      continue;
    auto n = ::read(fd, buf, sizeof(buf));
    if (n <= 0)
      return true; // EOF: the child is gone
    partial.append(buf, static_cast<std::size_t>(n));
    for (auto nl = partial.find('\n'); nl != std::string::npos; nl = partial.find('\n')) {
      reported.push_back(std::stoull(partial.substr(0, nl)));
      partial.erase(0, nl + 1);
    }
  }
  return true;
}

/// Checks one group after a crash; returns its entries.
std::vector<raft::entry> check_group(persistence::node_store& node, const group_id& id,
                                     const std::map<raft::index_t, raft::term_t>& owner) {
  auto opened = node.open_group(id);
  REQUIRE(opened);
  auto& s = **opened;
  CHECK(s.first_index() == 1);
  auto last = s.last_index();
  if (!owner.empty())
    REQUIRE(last >= owner.rbegin()->first);
  // Every entry decodes with a valid checksum, and entries() fails on a hole.
  auto all = s.entries(1, last + 1, std::numeric_limits<std::size_t>::max());
  REQUIRE(all);
  REQUIRE(all->size() == last);
  raft::term_t previous_term = 0;
  for (const auto& e : *all) {
    CHECK(e.data == test::crash::payload(e.index, e.term));
    CHECK(e.term >= previous_term);
    previous_term = e.term;
    if (auto it = owner.find(e.index); it != owner.end())
      CHECK(e.term == it->second);
  }
  // The hard state was written in the same transaction as the entries.
  auto hs = s.initial_hard_state();
  CHECK(hs.commit == last);
  CHECK(hs.term == previous_term);
  return std::move(*all);
}

} // namespace

TEST_CASE("storage crash: every reported append survives SIGKILL, with no hole") {
  test::temp_dir dir("crash");
  auto sd = seed();
  INFO("seed " << sd << " (replay with MOSAIK_SEED=" << sd << ")");
  std::mt19937_64 rng(sd);
  std::map<raft::index_t, raft::term_t> owner; // reported index -> generation
  for (raft::term_t generation = 1; generation <= generations; ++generation) {
    CAPTURE(generation);
    auto target = 1 + rng() % 200;
    auto c = spawn_child(dir.path().string(), generation, sd);
    std::string partial;
    std::vector<raft::index_t> reported;
    auto deadline = std::chrono::steady_clock::now() + deadline_per_child;
    bool in_time = read_reports(c.out, partial, reported, deadline,
                                [&](const auto& r) { return r.size() >= target; });
    ::kill(c.pid, SIGKILL);
    int status = 0;
    REQUIRE(::waitpid(c.pid, &status, 0) == c.pid);
    // Reports written before the kill are still in the pipe: drain it.
    CHECK(read_reports(c.out, partial, reported, std::chrono::steady_clock::now() + 10s,
                       [](const auto&) { return false; }));
    ::close(c.out);
    REQUIRE(in_time);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    REQUIRE(reported.size() >= target);
    for (auto i : reported)
      owner[i] = generation;

    auto node = persistence::node_store::open(dir.path());
    REQUIRE(node);
    auto a = check_group(**node, test::crash::groups[0], owner);
    auto b = check_group(**node, test::crash::groups[1], owner);
    CHECK(a == b); // one group commit wrote both
  }
  CHECK(owner.size() >= generations);
}
