#pragma once
// A small value-or-error type (std::expected is C++23; we build as C++20).
// Decoders, key loading and stores return it instead of throwing.

#include "actors/core/check.hpp"

#include <utility>
#include <variant>

namespace mosaik {

template <class E>
struct unexpected {
  E error;
};

template <class E>
unexpected(E) -> unexpected<E>;

template <class T, class E>
class [[nodiscard]] expected {
public:
  expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  template <class G>
  expected(unexpected<G> err) : state_(std::in_place_index<1>, E(std::move(err.error))) {}

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  // Reading the wrong side is a bug in the caller: checked in every build.
  T& value() & { check_value(); return std::get<0>(state_); }
  const T& value() const& { check_value(); return std::get<0>(state_); }
  T&& value() && { check_value(); return std::get<0>(std::move(state_)); }
  const E& error() const {
    MOSAIK_CHECK(!has_value(), "expected::error() on a value");
    return std::get<1>(state_);
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

private:
  void check_value() const { MOSAIK_CHECK(has_value(), "expected::value() on an error"); }

  std::variant<T, E> state_;
};

} // namespace mosaik
