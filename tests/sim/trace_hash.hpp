#pragma once
// FNV-1a over everything that happens in a run (deliveries, role changes,
// commits, faults). The same seed must give the same hash, or the
// simulation is not deterministic.

#include <cstdint>
#include <string_view>

namespace mosaik::sim {

class trace_hash {
public:
  void add(std::uint64_t v) {
    for (int k = 0; k < 8; ++k) {
      h_ ^= (v >> (8 * k)) & 0xff;
      h_ *= 0x100000001b3ULL;
    }
  }
  void add(std::string_view s) {
    for (char c : s) {
      h_ ^= static_cast<std::uint8_t>(c);
      h_ *= 0x100000001b3ULL;
    }
  }
  std::uint64_t value() const { return h_; }

private:
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

} // namespace mosaik::sim
