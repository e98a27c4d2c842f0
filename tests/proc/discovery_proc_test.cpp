// Discovery between real `mosaik node` processes on 127.0.0.1, observed
// only through `mosaik status --json`: five nodes that know only the first
// fill their catalogs, with each other's tags, and a departure reaches all.
#include "actors/core/ids/ids.hpp"
#include "tests/proc/node_cluster.hpp"

#include <csignal>
#include <optional>

using namespace mosaik;
using namespace std::chrono_literals;
using mosaik::test::eventually;
using mosaik::test::node_cluster;

namespace {

std::string tag_of(std::size_t i) {
  return "node-" + std::to_string(i);
}

struct five_nodes : node_cluster {
  five_nodes() {
    auto announce = std::vector<std::string>{"--announce-interval", "1s", "--tag", tag_of(0)};
    auto first = start(announce).address;
    for (std::size_t i = 1; i < 5; ++i)
      start({"--announce-interval", "1s", "--bootstrap", first, "--tag", tag_of(i)});
  }

  /// The catalog entry node i holds for node j, if any.
  std::optional<std::string> entry(std::size_t i, std::size_t j) {
    for (auto& o : listed(i, "catalog"))
      if (o.find("\"peer_id\":\"" + nodes[j].peer + "\"") != std::string::npos)
        return o;
    return std::nullopt;
  }

  /// Every running node in `alive` lists exactly the others of `alive`.
  bool catalogs_hold(const std::vector<std::size_t>& alive) {
    for (auto i : alive) {
      if (listed(i, "catalog").size() != alive.size() - 1)
        return false;
      for (auto j : alive)
        if (j != i && !entry(i, j))
          return false;
    }
    return true;
  }
};

} // namespace

TEST_CASE("proc discovery: five nodes bootstrapped from the first reach full catalogs within 10 s") {
  five_nodes c;
  REQUIRE(eventually([&] { return c.catalogs_hold({0, 1, 2, 3, 4}); }, 10s));
  for (std::size_t i = 0; i < 5; ++i)
    for (std::size_t j = 0; j < 5; ++j) {
      if (i == j)
        continue;
      auto e = c.entry(i, j);
      REQUIRE(e);
      CHECK(e->find("\"tags\":[\"" + tag::from(tag_of(j)).hex() + "\"]") != std::string::npos);
      CHECK(e->find("\"version\":{\"start_ms\":") != std::string::npos);
      CHECK(e->find("\"age_ms\":") != std::string::npos);
      CHECK(e->find("\"signed\":true") != std::string::npos);
    }
}

TEST_CASE("proc discovery: a node that departs leaves every other catalog") {
  five_nodes c;
  REQUIRE(eventually([&] { return c.catalogs_hold({0, 1, 2, 3, 4}); }, 10s));
  REQUIRE(c.nodes[3].proc->signal(SIGTERM));
  auto code = c.nodes[3].proc->wait(5s);
  REQUIRE(code);
  CHECK(*code == 0);
  // A departure is signed and gossiped at once; purge_after (5 min) is far.
  CHECK(eventually([&] { return c.catalogs_hold({0, 1, 2, 4}); }, 5s));
}
