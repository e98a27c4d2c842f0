// Real `mosaik-ticker` processes on 127.0.0.1: consumers in other processes
// get every tick in order, or a reported gap, through a kill -9 of a
// consumer and of the producer; a producer whose consumer stopped reading
// (SIGSTOP) keeps its memory bounded while it serves another.
#include "tests/proc/attack_probe.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <functional>
#include <unistd.h>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using namespace mosaik::test;
using namespace std::chrono_literals;

namespace {

const std::string ticker = MOSAIK_TICKER_BIN;

/// One `mosaik-ticker` process and the address its first line names.
struct ticker_proc {
  std::unique_ptr<child_process> proc;
  std::string address;
};

ticker_proc start(const std::vector<std::string>& args) {
  std::vector<std::string> argv{ticker};
  argv.insert(argv.end(), args.begin(), args.end());
  ticker_proc t{std::make_unique<child_process>(argv), {}};
  auto first = t.proc->read_line(15s);
  REQUIRE_MESSAGE(first, "mosaik-ticker did not start: ", args.front());
  REQUIRE(first->rfind("mosaik node ", 0) == 0);
  t.address = first->substr(first->find('@') + 1);
  return t;
}

ticker_proc producer(const std::string& network, const std::string& listen, const std::string& data_dir,
                     const std::string& rate = "200", const std::string& pad = "0") {
  return start({"produce", "--network", network, "--listen", listen, "--data-dir", data_dir, "--rate", rate,
                "--pad", pad});
}

ticker_proc consumer(const std::string& network, const std::string& producer_address) {
  return start({"consume", "--network", network, "--bootstrap", producer_address});
}

/// What a consumer printed: tick numbers, and whether a gap was reported
/// between one and the next (and of which cause).
struct consumed {
  std::vector<std::uint64_t> ticks;
  std::vector<std::string> gaps; // "gap FIRST COUNT CAUSE" lines
  std::string error;             // the first jump no gap explains
};

/// Reads `n` ticks (at most `timeout` per line) and checks that each one
/// follows the last by one, unless a gap line came in between.
consumed read_ticks(ticker_proc& c, std::size_t n, consumed so_far = {}) {
  bool gap_since_last = false;
  for (std::size_t got = 0; got < n;) {
    auto line = c.proc->read_line(10s);
    REQUIRE_MESSAGE(line, "the consumer printed nothing for 10 s after ", so_far.ticks.size(), " ticks");
    if (line->rfind("gap ", 0) == 0) {
      so_far.gaps.push_back(*line);
      gap_since_last = true;
      continue;
    }
    std::uint64_t number = 0;
    std::istringstream{*line} >> number;
    if (!so_far.ticks.empty() && number != so_far.ticks.back() + 1 && !gap_since_last && so_far.error.empty())
      so_far.error = "tick " + std::to_string(number) + " after " + std::to_string(so_far.ticks.back());
    so_far.ticks.push_back(number);
    gap_since_last = false;
    ++got;
  }
  return so_far;
}

} // namespace

TEST_CASE("ticker: consumers in other processes get every tick in order through kill -9 of a consumer and the producer") {
  temp_dir dir{"ticker"};
  auto network = "ticker-proc-" + std::to_string(::getpid());
  auto p = producer(network, "127.0.0.1:0", (dir.path() / "producer").string());
  auto a = consumer(network, p.address);
  auto b = consumer(network, p.address);
  auto got_a = read_ticks(a, 100);
  auto got_b = read_ticks(b, 100);
  CHECK(got_a.error.empty());
  CHECK(got_b.error.empty());
  CHECK(got_a.gaps.empty());

  // A consumer killed and started anew picks up the live ticks.
  REQUIRE(b.proc->signal(SIGKILL));
  b = consumer(network, p.address);
  auto again = read_ticks(b, 100);
  CHECK(again.error.empty());
  CHECK(again.ticks.front() > got_b.ticks.back());

  // The producer killed and restarted with its key and port: the same
  // peer. The consumers hear of the restart as a gap and go on.
  REQUIRE(p.proc->signal(SIGKILL));
  REQUIRE(p.proc->wait(5s));
  p = producer(network, p.address, (dir.path() / "producer").string());
  auto restart_reported = [&] {
    for (const auto& g : got_a.gaps)
      if (g.find(" restart") != std::string::npos)
        return true;
    return false;
  };
  // What it printed before the kill comes first: read on to the report.
  for (int k = 0; k < 100 && !restart_reported(); ++k)
    got_a = read_ticks(a, 100, got_a);
  REQUIRE(restart_reported());
  got_a = read_ticks(a, 100, got_a);
  CHECK(got_a.error.empty());
  auto& t = got_a.ticks;
  CHECK(std::adjacent_find(t.begin(), t.end(), std::greater<>{}) != t.end()); // numbering started again
  CHECK(p.proc->signal(SIGTERM));
  CHECK(p.proc->wait(10s) == 0);
}

TEST_CASE("ticker: a producer whose consumer stopped reading keeps its memory bounded") {
  temp_dir dir{"ticker"};
  auto network = "ticker-rss-" + std::to_string(::getpid());
  auto p = producer(network, "127.0.0.1:0", (dir.path() / "producer").string(), "100000", "2048");
  auto live = consumer(network, p.address);
  auto stalled = consumer(network, p.address);
  read_ticks(live, 100);
  read_ticks(stalled, 10);
  REQUIRE(stalled.proc->signal(SIGSTOP));
  auto baseline = proc_kb(p.proc->pid(), "VmRSS");
  // Ticks of 2 KiB: kept for the stalled consumer without a bound, the
  // 20000 the live one takes would grow the producer by 40 MB.
  auto live_got = read_ticks(live, 20000);
  auto rss = proc_kb(p.proc->pid(), "VmRSS");
  MESSAGE("producer RSS " << baseline << " kB before, " << rss << " kB after 20000 ticks to the live consumer");
  CHECK(live_got.error.empty());
  CHECK(rss < baseline + 16 * 1024);
  REQUIRE(stalled.proc->signal(SIGCONT));
}
