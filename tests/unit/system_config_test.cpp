#include "actors/transport/system_config.hpp"

#include <caf/actor_system.hpp>
#include <caf/settings.hpp>

#include <doctest/doctest.h>

#include <sstream>

using namespace mosaik;

namespace {

std::size_t moderate_polls(const caf::actor_system_config& cfg) {
  return caf::get_or(cfg, "work-stealing.moderate-poll-attempts", std::size_t{12345});
}

} // namespace

TEST_CASE("system config: idle workers wait on their condition variable without sleeping polls") {
  transport::system_config cfg;
  CHECK(moderate_polls(cfg) == 0);
}

TEST_CASE("system config: a CAF option still overrides the scheduler default") {
  transport::system_config cfg;
  std::istringstream no_ini;
  REQUIRE_FALSE(cfg.parse({"--work-stealing.moderate-poll-attempts=500"}, no_ini));
  CHECK(moderate_polls(cfg) == 500);
  caf::actor_system sys{cfg}; // the scheduler starts with it
  CHECK(moderate_polls(sys.config()) == 500);
}
