#pragma once
// The seeded pseudo-random generator of the pure core (xoshiro256**, seeded
// through splitmix64). Same seed, same sequence, on every platform: the
// simulator's trace hashes depend on it. Never seeded from a clock here; the
// caller passes the seed in.

#include <cstdint>

namespace mosaik {

class rng {
public:
  explicit rng(std::uint64_t seed = 0) {
    for (auto& word : s_)
      word = splitmix(seed);
  }

  std::uint64_t next() {
    auto result = rotl(s_[1] * 5, 7) * 9;
    auto t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [0, n); 0 when n is 0. Rejection sampling keeps it unbiased.
  std::uint64_t below(std::uint64_t n) {
    if (n == 0)
      return 0;
    auto limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
    std::uint64_t x;
    do {
      x = next();
    } while (x >= limit);
    return x % n;
  }

  /// Uniform in [lo, hi] (inclusive); lo when hi < lo.
  std::uint64_t between(std::uint64_t lo, std::uint64_t hi) {
    return hi <= lo ? lo : lo + below(hi - lo + 1);
  }

  /// Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// True with probability p.
  bool chance(double p) { return unit() < p; }

  /// A generator for an independent stream derived from this one's seed
  /// material and `stream` (e.g. one per simulated node).
  rng fork(std::uint64_t stream) {
    return rng{next() ^ (stream * 0x9e3779b97f4a7c15ULL)};
  }

private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix(std::uint64_t& state) {
    auto z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  std::uint64_t s_[4];
};

} // namespace mosaik
