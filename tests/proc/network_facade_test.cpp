// mosaik::network, the facade a CAF application starts a node with, on a
// real actor system and loopback: start, status and shutdown each return
// within their timeout, and say what went wrong instead of hanging.
#include "actors/network/network.hpp"
#include "actors/transport/system_config.hpp"

#include <caf/actor_system.hpp>
#include <doctest/doctest.h>

using namespace mosaik;
using namespace std::chrono_literals;

namespace {

node::node_config loopback(const std::string& name) {
  node::node_config cfg;
  cfg.network = name;
  cfg.listen = {"127.0.0.1", 0};
  return cfg;
}

} // namespace

TEST_CASE("network facade: start, status and shutdown of a node with discovery") {
  transport::system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  auto key = secret_key::generate();
  auto me = key.public_id();
  auto net = network::start(sys, loopback("facade"), std::move(key), 10s);
  REQUIRE_MESSAGE(net, (net ? "" : net.error()));
  CHECK(net->peer() == me);
  CHECK(net->listen().port != 0);
  CHECK(net->node());
  CHECK(net->discovery());
  auto s = net->status(5s);
  REQUIRE_MESSAGE(s, (s ? "" : s.error()));
  CHECK(s->peer == me);
  CHECK(s->listen_address.port == net->listen().port);
  auto bye = net->shutdown(5s);
  REQUIRE_MESSAGE(bye, (bye ? "" : bye.error()));
  CHECK(*bye);
  // Gone: asking again fails at once instead of hanging.
  CHECK_FALSE(net->status(5s));
}

TEST_CASE("network facade: a network that cannot start says why") {
  transport::system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  auto cfg = loopback("facade");
  cfg.discovery->fanout = 0; // refused by discovery::check
  auto net = network::start(sys, cfg, secret_key::generate(), 10s);
  REQUIRE_FALSE(net);
  CHECK(net.error().find("discovery settings") != std::string::npos);
}

TEST_CASE("network facade: a network without discovery has no discovery actor") {
  transport::system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  auto cfg = loopback("facade");
  cfg.discovery.reset();
  auto net = network::start(sys, cfg, secret_key::generate(), 10s);
  REQUIRE(net);
  CHECK_FALSE(net->discovery());
  auto s = net->status(5s);
  REQUIRE(s);
  CHECK(s->catalog.empty());
  CHECK(net->shutdown(5s));
}
