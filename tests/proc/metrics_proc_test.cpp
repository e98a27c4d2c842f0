// Two real `mosaik node` processes with --metrics-addr: once they link, each
// one's /metrics (scraped over a plain socket) shows the link under the
// original's names, with the network label. Bad addresses fail with one line.
#include "actors/core/ids/ids.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_get.hpp"
#include "tests/support/process.hpp"

#include <doctest/doctest.h>

#include <charconv>
#include <memory>
#include <regex>
#include <unistd.h>

using namespace mosaik;
using namespace std::chrono_literals;
using mosaik::test::child_process;
using mosaik::test::eventually;
using mosaik::test::http_get;
using mosaik::test::run_command;

namespace {

const std::string bin = MOSAIK_BIN;

struct metrics_node {
  std::unique_ptr<child_process> proc;
  std::string peer_address; // PEERID@127.0.0.1:PORT
  std::uint16_t metrics_port = 0;

  /// The value of one sample line (`series value`) of its /metrics, if any.
  std::optional<double> sample(const std::string& series) const {
    auto r = http_get("127.0.0.1", metrics_port, "/metrics", 2s);
    if (!r || r->status != 200)
      return std::nullopt;
    auto at = ("\n" + r->body).find("\n" + series + " ");
    if (at == std::string::npos)
      return std::nullopt;
    auto begin = r->body.data() + at + series.size() + 1;
    double v = 0;
    auto [end, ec] = std::from_chars(begin, r->body.data() + r->body.size(), v);
    return ec == std::errc{} && end != begin ? std::optional<double>{v} : std::nullopt;
  }
};

metrics_node start(const std::string& network, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv{bin, "node", "--network", network, "--listen", "127.0.0.1:0",
                                "--metrics-addr", "127.0.0.1:0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  metrics_node n;
  n.proc = std::make_unique<child_process>(argv);
  auto first = n.proc->read_line(10s);
  REQUIRE(first);
  static const std::regex node_line{R"(mosaik node ([0-9a-f]{64}@127\.0\.0\.1:[0-9]+))"};
  std::smatch m;
  REQUIRE(std::regex_match(*first, m, node_line));
  n.peer_address = m[1];
  auto second = n.proc->read_line(10s);
  REQUIRE(second);
  static const std::regex metrics_line{R"(metrics http://127\.0\.0\.1:([0-9]+)/metrics)"};
  REQUIRE(std::regex_match(*second, m, metrics_line));
  n.metrics_port = static_cast<std::uint16_t>(std::stoul(m[1]));
  return n;
}

} // namespace

TEST_CASE("proc metrics: two linked nodes show connections and bytes on /metrics") {
  auto network = "metrics-" + std::to_string(::getpid());
  auto label = "{network=\"" + network_id::from(network).short_hex() + "\"}";
  auto a = start(network);
  auto b = start(network, {"--bootstrap", a.peer_address});
  auto linked_and_talking = [&](const metrics_node& n) {
    auto opened = n.sample("mosaik_network_connections_opened" + label);
    auto out = n.sample("mosaik_network_egress_bytes" + label);
    auto in = n.sample("mosaik_network_ingress_bytes" + label);
    return opened && *opened >= 1 && out && *out > 0 && in && *in > 0;
  };
  // Heartbeats (every second) carry payload both ways once linked.
  CHECK(eventually([&] { return linked_and_talking(a) && linked_and_talking(b); }, 10s));
  // The detailed link series carry their cause as a label.
  auto dropped = a.sample("mosaik_network_link_frames_dropped{network=\""
                          + network_id::from(network).short_hex() + "\",cause=\"garbage\"}");
  REQUIRE(dropped);
  CHECK(*dropped == 0);
  // Only /metrics is served.
  auto other = http_get("127.0.0.1", a.metrics_port, "/nothing", 2s);
  REQUIRE(other);
  CHECK(other->status == 404);
}

TEST_CASE("proc metrics: a bad --metrics-addr is one line and exit code 2") {
  auto network = "metrics-bad-" + std::to_string(::getpid());
  auto node = bin + " node --network " + network + " --metrics-addr ";
  for (std::string bad : {"nowhere", "127.0.0.1:70000", "localhost:0"}) {
    CAPTURE(bad);
    auto r = run_command(node + bad);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("mosaik node: ") == 0);
    CHECK(r.err.find('\n') == r.err.size() - 1);
  }
  // A port another node's metrics already hold.
  auto a = start(network);
  auto taken = run_command(node + "127.0.0.1:" + std::to_string(a.metrics_port));
  CHECK(taken.exit_code == 2);
  CHECK(taken.out.empty());
  CHECK(taken.err.find("cannot be bound") != std::string::npos);
}
