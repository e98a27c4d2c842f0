#pragma once
// A small seeded generator (SplitMix64) with portable draws, so a seed gives
// the same jitter and peer choices on every platform and standard library.

#include <cstdint>

namespace mosaik::discovery {

class rng {
public:
  explicit rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  /// Uniform in [0, n); 0 when n is 0.
  std::uint64_t below(std::uint64_t n) {
    if (n == 0)
      return 0;
    // Rejection sampling removes the modulo bias.
    std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
    std::uint64_t x;
    do
      x = next();
    while (x >= limit);
    return x % n;
  }

  /// Uniform in [lo, hi] (lo <= hi).
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }

  /// Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

private:
  std::uint64_t state_;
};

} // namespace mosaik::discovery
