#pragma once
// Test knobs from the environment (seeds to replay, how many to run).

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

namespace mosaik::test {

/// The variable as a number; nullopt when unset or empty.
inline std::optional<std::uint64_t> env_number(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0')
    return std::nullopt;
  return std::stoull(v);
}

} // namespace mosaik::test
