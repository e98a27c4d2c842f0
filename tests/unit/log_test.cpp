#include "actors/logging/log.hpp"

#include <doctest/doctest.h>

using namespace mosaik;

TEST_CASE("log: one logger per subsystem, levels from a spec") {
  REQUIRE(log::configure("warn,transport=debug"));
  auto transport = log::get("transport");
  auto discovery = log::get("discovery");
  CHECK(transport == log::get("transport"));
  CHECK(transport->name() == "transport");
  CHECK(transport->level() == spdlog::level::debug);
  CHECK(discovery->level() == spdlog::level::warn);
  REQUIRE(log::configure("error"));
  CHECK(transport->level() == spdlog::level::err);
  CHECK(log::get("groups")->level() == spdlog::level::err);
}

TEST_CASE("log: an unknown level is refused and changes nothing") {
  REQUIRE(log::configure("info"));
  CHECK_FALSE(log::configure("loud"));
  CHECK_FALSE(log::configure("info,streams=verbose"));
  CHECK(log::get("streams")->level() == spdlog::level::info);
}
