#pragma once
// Real `mosaik-kv` processes on 127.0.0.1 for proc tests, observed only
// through their HTTP API. Needs MOSAIK_KV_BIN. A node killed with kill -9
// restarts on the ports it had, with its data dir (key and log) kept.
#include "tests/support/child_process.hpp"
#include "tests/support/http_get.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <deque>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <unistd.h>
#include <vector>

namespace mosaik::test {

using namespace std::chrono_literals;

/// What GET /status says of the group.
struct kv_status {
  std::string role;
  std::string leader; // empty: none known
  std::uint64_t term = 0;
  std::uint64_t commit = 0;
  std::uint64_t applied = 0;
  std::uint64_t voters = 0;
};

inline std::optional<kv_status> parse_kv_status(const std::string& json) {
  static const std::regex fields{
    R"re("role":"([a-z]+)","leader":(?:"([0-9a-f]{64})"|null),"term":([0-9]+),"commit":([0-9]+),"applied":([0-9]+),"voters":([0-9]+))re"};
  std::smatch m;
  if (!std::regex_search(json, m, fields))
    return std::nullopt;
  return kv_status{m[1], m[2], std::stoull(m[3]), std::stoull(m[4]), std::stoull(m[5]), std::stoull(m[6])};
}

struct kv_node {
  std::unique_ptr<child_process> proc; // null while down
  std::string peer;                    // 64 hex, the same across restarts
  std::string listen;                  // 127.0.0.1:PORT
  std::uint16_t http_port = 0;
  int generation = 0;
  std::string log; // stderr of its current run
};

struct kv_cluster {
  std::string network = "kv-" + std::to_string(::getpid());
  temp_dir dir{"kv"};
  std::vector<kv_node> nodes;

  ~kv_cluster() { nodes.clear(); }

  /// n nodes: the first bootstraps the group alone, the others dial it
  /// and join; waits until every one knows one leader. (Nodes that start
  /// together may bootstrap apart: see the report of the groups-kv branch.)
  explicit kv_cluster(std::size_t n) {
    nodes.emplace_back();
    launch(0, "127.0.0.1:0", "127.0.0.1:0", {});
    REQUIRE_MESSAGE(eventually([&] { return agreed_leader().has_value(); }, 30s), report());
    for (std::size_t i = 1; i < n; ++i) {
      nodes.emplace_back();
      launch(i, "127.0.0.1:0", "127.0.0.1:0", bootstrap_of(i));
    }
    REQUIRE_MESSAGE(eventually([&] { return healthy(); }, 30s), report());
  }

  /// Every node runs and names one leader, whose configuration has every
  /// node as a voter: any minority may fail now.
  bool healthy() const {
    auto l = agreed_leader();
    auto s = l ? status(*l) : std::nullopt;
    return s && s->voters == nodes.size();
  }

  void kill(std::size_t i) {
    REQUIRE(nodes[i].proc);
    REQUIRE(nodes[i].proc->signal(SIGKILL));
    REQUIRE(nodes[i].proc->wait(5s));
    nodes[i].proc.reset();
  }

  /// On the ports it had, bootstrapping from every other node.
  void restart(std::size_t i) {
    REQUIRE(!nodes[i].proc);
    launch(i, nodes[i].listen, "127.0.0.1:" + std::to_string(nodes[i].http_port), bootstrap_of(i));
  }

  bool up(std::size_t i) const { return nodes[i].proc != nullptr; }

  std::optional<http_response> call(std::size_t i, const std::string& method, const std::string& path,
                                    const std::string& body = {}, std::chrono::milliseconds t = 8s) const {
    return http_request(method, "127.0.0.1", nodes[i].http_port, path, body, t);
  }

  std::optional<kv_status> status(std::size_t i) const {
    auto r = call(i, "GET", "/status", {}, 2s);
    if (!r || r->status != 200)
      return std::nullopt;
    return parse_kv_status(r->body);
  }

  /// The leader every running node names, when they all name the same one
  /// and it is running.
  std::optional<std::size_t> agreed_leader() const {
    std::optional<std::string> leader;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (!up(i))
        continue;
      auto s = status(i);
      if (!s || s->leader.empty() || (leader && *leader != s->leader))
        return std::nullopt;
      leader = s->leader;
    }
    for (std::size_t i = 0; leader && i < nodes.size(); ++i)
      if (up(i) && nodes[i].peer == *leader)
        return i;
    return std::nullopt;
  }

  /// Every node runs and has applied the same index, at least `index`.
  bool converged(std::uint64_t index) const {
    std::optional<std::uint64_t> applied;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      auto s = up(i) ? status(i) : std::nullopt;
      if (!s || s->applied < index || (applied && *applied != s->applied) || s->commit != s->applied)
        return false;
      applied = s->applied;
    }
    return true;
  }

  /// Each node's /status and the end of its log, for a failure's message.
  std::string report() const {
    std::string out;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      auto r = up(i) ? call(i, "GET", "/status", {}, 2s) : std::nullopt;
      out += "\n-- node " + std::to_string(i) + (up(i) ? "" : " (down)") + ": "
             + (r ? r->body : std::string{"no status"}) + "\n" + tail(nodes[i].log, 12);
    }
    return out;
  }

private:
  static std::string tail(const std::string& path, std::size_t lines) {
    std::ifstream in{path};
    std::deque<std::string> last;
    for (std::string line; std::getline(in, line);) {
      last.push_back(line);
      if (last.size() > lines)
        last.pop_front();
    }
    std::string out;
    for (const auto& l : last)
      out += "   " + l + "\n";
    return out;
  }

  std::vector<std::string> bootstrap_of(std::size_t i) const {
    std::vector<std::string> out;
    for (std::size_t j = 0; j < nodes.size(); ++j)
      if (j != i && !nodes[j].listen.empty())
        out.insert(out.end(), {"--bootstrap", nodes[j].listen});
    return out;
  }

  void launch(std::size_t i, const std::string& listen, const std::string& http,
              const std::vector<std::string>& bootstrap) {
    auto& n = nodes[i];
    auto name = "n" + std::to_string(i);
    std::vector<std::string> argv{MOSAIK_KV_BIN, "--network", network, "--listen", listen,
                                  "--http", http, "--data-dir", (dir.path() / name).string()};
    argv.insert(argv.end(), bootstrap.begin(), bootstrap.end());
    auto log = dir.path() / (name + ".g" + std::to_string(n.generation++) + ".log");
    n.log = log.string();
    n.proc = std::make_unique<child_process>(argv, n.log);
    static const std::regex node_line{R"(mosaik node ([0-9a-f]{64})@(127\.0\.0\.1:[0-9]+))"};
    static const std::regex http_line{R"(http http://127\.0\.0\.1:([0-9]+))"};
    auto first = n.proc->read_line(15s);
    auto second = n.proc->read_line(5s);
    REQUIRE_MESSAGE(first, "no first line from node ", i, ", see ", log.string());
    REQUIRE(second);
    std::smatch m, h;
    REQUIRE(std::regex_match(*first, m, node_line));
    REQUIRE(std::regex_match(*second, h, http_line));
    if (!n.peer.empty())
      REQUIRE(n.peer == m[1].str()); // the key stays in the data dir
    n.peer = m[1];
    n.listen = m[2];
    n.http_port = static_cast<std::uint16_t>(std::stoul(h[1]));
  }
};

} // namespace mosaik::test
