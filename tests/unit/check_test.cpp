// MOSAIK_CHECK and the checks built on it stay on in every build type.

#include "actors/core/check.hpp"
#include "actors/core/expected.hpp"
#include "tests/support/aborts.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mosaik;

TEST_CASE("MOSAIK_CHECK: a failed check aborts and prints the condition and the values") {
  int index = 7;
  auto died = test::abort_message([&] { MOSAIK_CHECK(index < 5, "index ", index, " of 5"); });
  REQUIRE(died);
  CHECK(died->find("MOSAIK_CHECK(index < 5) failed: index 7 of 5") != std::string::npos);
  CHECK_FALSE(test::abort_message([&] { MOSAIK_CHECK(index == 7, "never printed"); }));
}

TEST_CASE("expected: reading the value of an error aborts, and the error of a value") {
  expected<int, std::string> err = unexpected{std::string("no")};
  expected<int, std::string> ok = 3;
  auto died = test::abort_message([&] { (void)err.value(); });
  REQUIRE(died);
  CHECK(died->find("expected::value() on an error") != std::string::npos);
  CHECK(test::abort_message([&] { (void)ok.error(); }));
  CHECK_FALSE(test::abort_message([&] { (void)ok.value(); }));
}
