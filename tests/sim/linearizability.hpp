#pragma once
// A WGL-style linearizability checker (Wing & Gong, with Lowe's memoised
// just-in-time search, as in Knossos and Porcupine) for one register with
// write, compare-and-set and read. The simulator checks each key apart
// (P-compositionality).

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace mosaik::sim {

inline constexpr std::uint64_t never = std::numeric_limits<std::uint64_t>::max();

struct register_op {
  enum class kind : std::uint8_t { write, cas, read };
  kind op = kind::write;
  std::uint64_t call = 0;    // logical time of invocation
  std::uint64_t ret = never; // logical time of the answer; never: unknown outcome
  std::uint64_t value = 0;   // write: value; cas: new value; read: value seen
  std::uint64_t expected = 0; // cas only
  bool ok = true;            // cas with a known outcome: did it swap
  std::uint64_t id = 0;      // for reports
};

struct lin_result {
  enum class verdict : std::uint8_t { linearizable, violation, inconclusive };
  verdict v = verdict::linearizable;
  std::string detail;
  std::uint64_t explored = 0;
};

/// Ops with ret == never may take effect at any point after their call, or
/// not at all (a cas with an unknown outcome takes effect only if it can
/// swap). `budget` bounds the states explored.
lin_result check_register(const std::vector<register_op>& ops, std::uint64_t initial = 0,
                          std::uint64_t budget = 5'000'000);

} // namespace mosaik::sim
