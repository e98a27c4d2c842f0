// Three real `mosaik node` processes on 127.0.0.1, observed only through
// `mosaik status --json`: they link up, a kill -9 is noticed within the
// heartbeat budget, SIGTERM departs and exits 0.
#include "actors/core/ids/ids.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <memory>
#include <regex>
#include <unistd.h>

using namespace mosaik;
using namespace std::chrono_literals;
using mosaik::test::child_process;
using mosaik::test::eventually;
using mosaik::test::run_command;
namespace fs = std::filesystem;

namespace {

const std::string bin = MOSAIK_BIN;

struct running_node {
  std::unique_ptr<child_process> proc;
  std::string peer;    // 64 hex
  std::string address; // 127.0.0.1:PORT
};

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto i = text.find(what); i != std::string::npos; i = text.find(what, i + 1))
    ++n;
  return n;
}

struct cluster {
  std::string network = "proc-" + std::to_string(::getpid());
  test::temp_dir dir{"proc"};
  std::vector<running_node> nodes;

  ~cluster() { nodes.clear(); }

  running_node& start(const std::vector<std::string>& extra = {}) {
    auto i = nodes.size();
    std::vector<std::string> argv{bin, "node", "--network", network, "--listen", "127.0.0.1:0",
                                  "--data-dir", (dir.path() / ("n" + std::to_string(i))).string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    running_node n;
    n.proc = std::make_unique<child_process>(argv, (dir.path() / ("n" + std::to_string(i) + ".log")).string());
    auto line = n.proc->read_line(10s);
    REQUIRE(line);
    static const std::regex first_line{R"(mosaik node ([0-9a-f]{64})@(127\.0\.0\.1:[0-9]+))"};
    std::smatch m;
    REQUIRE(std::regex_match(*line, m, first_line));
    n.peer = m[1];
    n.address = m[2];
    nodes.push_back(std::move(n));
    return nodes.back();
  }

  mosaik::test::command_result status(std::size_t i, const std::string& net = {}) {
    return run_command(bin + " status " + nodes.at(i).address + " --network "
                       + (net.empty() ? network : net) + " --json");
  }

  /// The peers node i reports (0 when it cannot be asked).
  std::size_t peers(std::size_t i) {
    auto r = status(i);
    return r.exit_code == 0 ? occurrences(r.out, "\"rtt_us\"") : 0;
  }

  bool reports(std::size_t i, const std::string& peer) {
    auto r = status(i);
    return r.exit_code == 0 && r.out.find("\"peer_id\":\"" + peer + "\",\"address\"") != std::string::npos;
  }

  /// Three nodes, the second and third bootstrapping from the first.
  void start_three() {
    auto& first = start();
    auto boot = first.peer + "@" + first.address;
    start({"--bootstrap", boot});
    start({"--bootstrap", first.address});
    REQUIRE(eventually([&] { return peers(0) == 2 && peers(1) == 2 && peers(2) == 2; }, 10s));
  }
};

} // namespace

TEST_CASE("proc: three nodes reach each other, seen through status --json") {
  cluster c;
  c.start_three();
  for (std::size_t i = 0; i < 3; ++i) {
    auto r = c.status(i);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("\"peer_id\":\"" + c.nodes[i].peer + "\"") == 1);
    CHECK(r.out.find("\"network_id\":\"" + network_id::from(c.network).hex() + "\"") != std::string::npos);
    CHECK(r.out.find("\"uptime_ms\":") != std::string::npos);
    for (std::size_t j = 0; j < 3; ++j)
      if (j != i)
        CHECK(c.reports(i, c.nodes[j].peer));
  }
}

TEST_CASE("proc: after kill -9 the others declare the node dead within the heartbeat budget") {
  cluster c;
  c.start_three();
  auto victim = c.nodes[2].peer;
  REQUIRE(c.nodes[2].proc->signal(SIGKILL));
  // Budget: 3 silent heartbeat intervals of 1 s; allow one more for polling.
  CHECK(eventually([&] { return !c.reports(0, victim) && !c.reports(1, victim); }, 4s));
  CHECK(c.peers(0) == 1);
  CHECK(c.peers(1) == 1);
}

TEST_CASE("proc: SIGTERM departs, exits 0, and the peers drop the link") {
  cluster c;
  c.start_three();
  auto leaving = c.nodes[1].peer;
  REQUIRE(c.nodes[1].proc->signal(SIGTERM));
  auto code = c.nodes[1].proc->wait(5s);
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK(eventually([&] { return !c.reports(0, leaving) && !c.reports(2, leaving); }, 2s));
  auto r = c.status(0);
  CHECK(r.out.find(R"("mosaik.network.link.closes.received{reason=\"departing\"}":1)") != std::string::npos);
  for (std::size_t i : {0u, 2u}) {
    REQUIRE(c.nodes[i].proc->signal(SIGINT));
    auto rc = c.nodes[i].proc->wait(5s);
    REQUIRE(rc);
    CHECK(*rc == 0);
  }
}

TEST_CASE("proc: status fails with one line for a wrong network or an unreachable address") {
  cluster c;
  c.start();
  auto wrong = c.status(0, "not-" + c.network);
  CHECK(wrong.exit_code == 1);
  CHECK(wrong.out.empty());
  CHECK(occurrences(wrong.err, "\n") == 1);
  CHECK(wrong.err.find("different_network") != std::string::npos);
  // A port nobody listens on: the one a stopped node had.
  auto address = c.nodes[0].address;
  REQUIRE(c.nodes[0].proc->signal(SIGTERM));
  REQUIRE(c.nodes[0].proc->wait(5s));
  auto gone = run_command(bin + " status " + address + " --network " + c.network);
  CHECK(gone.exit_code == 1);
  CHECK(occurrences(gone.err, "\n") == 1);
  CHECK(gone.err.find("cannot reach") != std::string::npos);
}

TEST_CASE("proc: node usage errors and a stable key in the data dir") {
  auto bad = run_command(bin + " node --network x --listen nowhere");
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("invalid address") != std::string::npos);
  auto missing = run_command(bin + " node --listen 127.0.0.1:0");
  CHECK(missing.exit_code == 2);
  cluster c;
  auto first = c.start().peer;
  REQUIRE(c.nodes[0].proc->signal(SIGTERM));
  REQUIRE(c.nodes[0].proc->wait(5s));
  c.nodes.clear();
  CHECK(c.start().peer == first); // same --data-dir, same key
}
