// Three real `mosaik node` processes on 127.0.0.1, observed only through
// `mosaik status --json`: they link up, a kill -9 is noticed within the
// heartbeat budget, SIGTERM departs and exits 0.
#include "actors/core/ids/ids.hpp"
#include "tests/proc/node_cluster.hpp"

#include <csignal>

using namespace mosaik;
using namespace std::chrono_literals;
using mosaik::test::bin;
using mosaik::test::eventually;
using mosaik::test::node_cluster;
using mosaik::test::occurrences;
using mosaik::test::run_command;

TEST_CASE("proc: three nodes reach each other, seen through status --json") {
  node_cluster c;
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
  node_cluster c;
  c.start_three();
  auto victim = c.nodes[2].peer;
  REQUIRE(c.nodes[2].proc->signal(SIGKILL));
  // Budget: 3 silent heartbeat intervals of 1 s; allow one more for polling.
  CHECK(eventually([&] { return !c.reports(0, victim) && !c.reports(1, victim); }, 4s));
  CHECK(c.peers(0) == 1);
  CHECK(c.peers(1) == 1);
}

TEST_CASE("proc: SIGTERM departs, exits 0, and the peers drop the link") {
  node_cluster c;
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
  node_cluster c;
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
  node_cluster c;
  auto first = c.start().peer;
  REQUIRE(c.nodes[0].proc->signal(SIGTERM));
  REQUIRE(c.nodes[0].proc->wait(5s));
  c.nodes.clear();
  CHECK(c.start().peer == first); // same --data-dir, same key
}
