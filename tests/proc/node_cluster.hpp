#pragma once
// Real `mosaik node` processes on 127.0.0.1 for proc tests, observed only
// through `mosaik status --json`. Needs MOSAIK_BIN (the mosaik binary).
#include "tests/support/child_process.hpp"
#include "tests/support/json_text.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <unistd.h>
#include <vector>

namespace mosaik::test {

using namespace std::chrono_literals;

inline const std::string bin = MOSAIK_BIN;

struct running_node {
  std::unique_ptr<child_process> proc;
  std::string peer;    // 64 hex
  std::string address; // 127.0.0.1:PORT
};

inline std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto i = text.find(what); i != std::string::npos; i = text.find(what, i + 1))
    ++n;
  return n;
}

struct node_cluster {
  std::string network = "proc-" + std::to_string(::getpid());
  temp_dir dir{"proc"};
  std::vector<running_node> nodes;

  ~node_cluster() { nodes.clear(); }

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

  command_result status(std::size_t i, const std::string& net = {}) {
    return run_command(bin + " status " + nodes.at(i).address + " --network "
                       + (net.empty() ? network : net) + " --json");
  }

  /// The objects of node i's `key` list (`peers`, `catalog`); empty when
  /// it cannot be asked.
  std::vector<std::string> listed(std::size_t i, const std::string& key) {
    auto r = status(i);
    return r.exit_code == 0 ? json_objects(r.out, key) : std::vector<std::string>{};
  }

  /// The peers node i reports links to.
  std::size_t peers(std::size_t i) { return listed(i, "peers").size(); }

  /// Node i reports a link to `peer`.
  bool reports(std::size_t i, const std::string& peer) {
    auto links = listed(i, "peers");
    return std::any_of(links.begin(), links.end(), [&](const std::string& o) {
      return o.find("\"peer_id\":\"" + peer + "\"") != std::string::npos;
    });
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

} // namespace mosaik::test
