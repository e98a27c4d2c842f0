#pragma once
// Always-on assertions for impossible states (etcd-io/raft panics there):
//   MOSAIK_CHECK(i <= last, "commit_to(", i, ") beyond the last index ", last);
// On failure prints the condition, where it is, and the message built from
// the arguments (strings and numbers), then aborts. Stays on in release
// builds: a state that cannot happen must stop the process, not be clamped
// into a plausible one. Writing to stderr on the way down is the only I/O.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>

namespace mosaik::detail {

template <class T>
void check_append(std::string& out, const T& part) {
  if constexpr (std::is_same_v<T, bool>)
    out += part ? "true" : "false";
  else if constexpr (std::is_arithmetic_v<T>)
    out += std::to_string(part);
  else
    out += std::string_view(part);
}

// By value: string literals decay to pointers (a reference to an array
// trips GCC's -Wnonnull-compare inside string_view).
template <class... Parts>
[[noreturn]] void check_failed(const char* condition, const char* file, int line, Parts... parts) {
  std::string what;
  (check_append(what, parts), ...);
  std::fprintf(stderr, "%s:%d: MOSAIK_CHECK(%s) failed: %s\n", file, line, condition,
               what.c_str());
  std::fflush(stderr);
  std::abort();
}

} // namespace mosaik::detail

#define MOSAIK_CHECK(condition, ...)                                                       \
  do {                                                                                     \
    if (!(condition)) [[unlikely]]                                                         \
      ::mosaik::detail::check_failed(#condition, __FILE__, __LINE__ __VA_OPT__(, ) __VA_ARGS__); \
  } while (false)
