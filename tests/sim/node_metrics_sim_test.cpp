// The node counts its links into its metrics registry: the original's names,
// one registry per node even with many nodes in one process, and the same
// registry for whoever the node hands it to.
#include "tests/support/sim_cluster.hpp"

using namespace mosaik;
using namespace std::chrono_literals;
using mosaik::test::sim_cluster;

namespace {

std::optional<std::uint64_t> status_value(const wire::node_status& s, const std::string& name) {
  for (const auto& [n, v] : s.counters)
    if (n == name)
      return v;
  return std::nullopt;
}

} // namespace

TEST_CASE("sim metrics: a link counts as opened, its frames as egress and ingress bytes") {
  sim_cluster c{2, 61};
  auto mine = std::make_shared<metrics::registry>(metrics::network_labels(network_id::from("x")));
  c.config(0).metrics = mine;
  c.bootstrap(1, 0);
  c.start_all();
  REQUIRE(c.run_until([&] { return c.linked(0, 1) && c.linked(1, 0); }, 5s));
  c.run(3s); // a few heartbeats and their acks
  for (std::size_t i : {0u, 1u}) {
    CAPTURE(i);
    CHECK(c.counter(i, "mosaik.network.connections.opened") == 1);
    CHECK(c.counter(i, "mosaik.network.connections.closed") == 0);
    CHECK(c.counter(i, "mosaik.network.egress.bytes") > 0);
    CHECK(c.counter(i, "mosaik.network.ingress.bytes") > 0);
    CHECK(c.counter(i, "mosaik.network.link.frames.sent") > 0);
    auto s = c.status(i);
    CHECK(status_value(s, "mosaik.network.connections.opened") == 1u);
    CHECK(status_value(s, R"(mosaik.network.link.frames.dropped{cause="garbage"})") == 0u);
  }
  // Node 0 counted into the registry it was given; node 1 into its own.
  CHECK(c.state(0).metrics == mine);
  CHECK(mine->value("mosaik.network.connections.opened") == 1);
  CHECK(c.state(1).metrics != mine);
  CHECK(c.state(1).metrics->common().at("network") == c.state(1).me.network.short_hex());
  // The node hands its registry to local actors that ask.
  auto& n = c[0];
  n.self->send(c.node_actor(0), ::mosaik::node::get_metrics{});
  c.run_messages();
  std::shared_ptr<metrics::registry> got;
  n.self->receive([&](std::shared_ptr<metrics::registry>& r) { got = r; },
                  caf::after(std::chrono::seconds{0}) >> [] {});
  CHECK(got == mine);
}

TEST_CASE("sim metrics: a departure counts a closed connection on both sides") {
  sim_cluster c{2, 62};
  c.bootstrap(1, 0);
  c.start_all();
  REQUIRE(c.run_until([&] { return c.linked(0, 1) && c.linked(1, 0); }, 5s));
  c.stop(1);
  CHECK(c.counter(0, "mosaik.network.connections.closed") == 1);
  CHECK(c.counter(0, "mosaik.network.link.closes.received", {{"reason", "departing"}}) == 1);
  CHECK(c.counter(0, "mosaik.network.link.closes.sent", {{"reason", "departing"}}) == 0);
}
