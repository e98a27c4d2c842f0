// The metrics facade: dotted names, labels, the Prometheus exposition,
// counters and gauges, and registries that know nothing of each other.
#include "actors/metrics/registry.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <stdexcept>

using namespace mosaik;
using metrics::registry;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

} // namespace

TEST_CASE("metrics: a counter is found by its dotted name and labels") {
  registry r;
  auto opened = r.counter("mosaik.network.connections.opened");
  opened.inc();
  opened.inc(4);
  CHECK(opened.value() == 5);
  CHECK(r.value("mosaik.network.connections.opened") == 5);
  // The same name and labels is the same series, whoever asks.
  r.counter("mosaik.network.connections.opened").inc();
  CHECK(opened.value() == 6);
  // Other labels, other series.
  r.counter("mosaik.network.link.closes.sent", {{"reason", "banned"}}).inc(2);
  r.counter("mosaik.network.link.closes.sent", {{"reason", "departing"}}).inc();
  CHECK(r.value("mosaik.network.link.closes.sent", {{"reason", "banned"}}) == 2);
  CHECK(r.value("mosaik.network.link.closes.sent", {{"reason", "departing"}}) == 1);
  CHECK(r.value("mosaik.network.link.closes.sent") == 0);
}

TEST_CASE("metrics: counters only go up") {
  registry r;
  auto c = r.counter("mosaik.network.egress.bytes");
  std::uint64_t last = 0;
  for (std::uint64_t n : {0u, 3u, 0u, 1000u, 1u}) {
    c.inc(n);
    CHECK(c.value() == last + n);
    CHECK(c.value() >= last);
    last = c.value();
  }
  CHECK(last == 1004);
}

TEST_CASE("metrics: gauges are set, raised and lowered") {
  registry r;
  auto g = r.gauge("mosaik.discovery.catalog.size");
  CHECK(g.value() == 0);
  g.set(12);
  CHECK(r.value("mosaik.discovery.catalog.size") == 12);
  g.dec(5);
  g.inc();
  CHECK(g.value() == 8);
  g.set(3);
  CHECK(g.value() == 3);
}

TEST_CASE("metrics: snapshot lists every series by rendered name, without the common labels") {
  registry r{{{"network", "a1b2c3d4e5"}}};
  r.counter("mosaik.network.link.closes.sent", {{"reason", "banned"}}).inc(2);
  r.gauge("mosaik.groups.active").set(4);
  r.counter("mosaik.network.connections.opened").inc();
  r.counter("mosaik.x", {{"b", "2"}, {"a", "1"}}).inc();
  auto s = r.snapshot();
  REQUIRE(s.size() == 4);
  CHECK(s[0] == metrics::sample{"mosaik.groups.active", 4});
  CHECK(s[1] == metrics::sample{"mosaik.network.connections.opened", 1});
  CHECK(s[2] == metrics::sample{R"(mosaik.network.link.closes.sent{reason="banned"})", 2});
  CHECK(s[3] == metrics::sample{R"(mosaik.x{a="1",b="2"})", 1});
}

TEST_CASE("metrics: the exposition has underscores, types, and the common labels on every series") {
  registry r{{{"network", "a1b2c3d4e5"}}};
  r.counter("mosaik.network.egress.bytes").inc(42);
  r.counter("mosaik.network.link.closes.sent", {{"reason", "banned"}}).inc();
  r.gauge("mosaik.discovery.catalog.size").set(7);
  auto text = r.exposition();
  CHECK(has_line(text, "# TYPE mosaik_network_egress_bytes counter"));
  CHECK(has_line(text, "# HELP mosaik_network_egress_bytes mosaik.network.egress.bytes"));
  CHECK(has_line(text, R"(mosaik_network_egress_bytes{network="a1b2c3d4e5"} 42)"));
  CHECK(has_line(text, R"(mosaik_network_link_closes_sent{network="a1b2c3d4e5",reason="banned"} 1)"));
  CHECK(has_line(text, "# TYPE mosaik_discovery_catalog_size gauge"));
  CHECK(has_line(text, R"(mosaik_discovery_catalog_size{network="a1b2c3d4e5"} 7)"));
  // Dotted names only in HELP; every sample line names its series with underscores.
  std::istringstream lines{text};
  for (std::string line; std::getline(lines, line);)
    if (!line.starts_with("#"))
      CHECK(line.substr(0, line.find_first_of("{ ")).find('.') == std::string::npos);
  CHECK(registry::exposed_name("mosaik.groups.raft.leader.changes") == "mosaik_groups_raft_leader_changes");
}

TEST_CASE("metrics: two registries are independent") {
  registry a{metrics::network_labels(network_id::from("one"))};
  registry b{metrics::network_labels(network_id::from("two"))};
  a.counter("mosaik.network.connections.opened").inc(3);
  b.counter("mosaik.network.connections.opened").inc();
  b.gauge("mosaik.groups.active").set(2);
  CHECK(a.value("mosaik.network.connections.opened") == 3);
  CHECK(b.value("mosaik.network.connections.opened") == 1);
  CHECK(a.value("mosaik.groups.active") == 0);
  CHECK(a.snapshot().size() == 1);
  CHECK(b.snapshot().size() == 2);
  CHECK(a.common().at("network") == network_id::from("one").short_hex());
  CHECK(a.exposition().find(network_id::from("two").short_hex()) == std::string::npos);
}

TEST_CASE("metrics: reading a missing series creates nothing") {
  registry r;
  CHECK(r.value("mosaik.nothing") == 0);
  CHECK(r.value("mosaik.nothing", {{"k", "v"}}) == 0);
  CHECK(r.snapshot().empty());
  CHECK(r.exposition().empty());
}

TEST_CASE("metrics: bad names and type clashes are programming errors") {
  registry r{{{"network", "n"}}};
  CHECK_THROWS_AS(r.counter("mosaik network"), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("9lives"), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("mosaik.ok", {{"bad label", "x"}}), std::invalid_argument);
  r.counter("mosaik.ok").inc();
  CHECK_THROWS_AS(r.gauge("mosaik.ok"), std::invalid_argument);
  CHECK_THROWS_AS(r.gauge("mosaik.ok", {{"k", "v"}}), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("mosaik_ok"), std::invalid_argument); // the same exposed name
  CHECK(r.value("mosaik.ok") == 1);
}

TEST_CASE("metrics: unbound handles ignore writes and read zero") {
  metrics::counter c;
  c.inc(5);
  CHECK(c.value() == 0);
  metrics::gauge g;
  g.set(5);
  CHECK(g.value() == 0);
}

TEST_CASE("metrics: rendered names escape label values as the exposition does") {
  CHECK(metrics::render("m", {}) == "m");
  CHECK(metrics::render("m", {{"k", "a\"b\\c\nd"}}) == R"(m{k="a\"b\\c\nd"})");
}
