#pragma once
// What the engine tests share: a deadline no test reaches, and the
// completion of an expected kind (a test failure otherwise).

#include "actors/core/groups/operations.hpp"

#include <doctest/doctest.h>

#include <variant>

namespace mosaik::groups::testing {

inline constexpr millis far{60000};

template <class T>
const T& as(const completion* c) {
  REQUIRE(c != nullptr);
  REQUIRE(std::holds_alternative<T>(*c));
  return std::get<T>(*c);
}

} // namespace mosaik::groups::testing
