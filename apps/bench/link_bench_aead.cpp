// What encryption alone costs: the link's own sealer and opener on one core,
// in this process, with no socket and no actor in the way. Timed in this
// thread's CPU time, so other load on the machine does not count.
#include "apps/bench/link_bench.hpp"

#include "actors/core/link/record_reader.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace mosaik::bench {

namespace {

constexpr double spell = 0.25; // CPU seconds per cipher and size, at least
constexpr int batch = 32;      // records sealed, then opened, per round

double cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

struct per_record {
  double seal = 0; // CPU seconds
  double open = 0;
};

/// Seals a batch of records of `size` bytes, then opens them, until a spell
/// of CPU time is spent. A record that does not open is a bug.
per_record cost_of(link::cipher c, std::size_t size) {
  link::key256 key;
  randombytes_buf(key.data(), key.size());
  link::aead_sealer tx{c, key};
  link::aead_opener rx{c, key};
  bytes plain(size, 0x5a);
  std::vector<bytes> sealed(batch, bytes(link::record_header_size + size + link::aead_overhead));
  per_record total;
  std::uint64_t n = 0;
  for (; total.seal + total.open < spell; n += batch) {
    auto t0 = cpu_seconds();
    for (auto& s : sealed)
      tx.seal_record(plain, s.data());
    auto t1 = cpu_seconds();
    for (const auto& s : sealed)
      if (!rx.open(byte_view{s}.subspan(link::record_header_size))) {
        std::fprintf(stderr, "mosaik_bench_link: a %s record of %zu bytes did not open\n",
                     cipher_name(c).c_str(), size);
        std::abort();
      }
    total.seal += t1 - t0;
    total.open += cpu_seconds() - t1;
  }
  return {total.seal / static_cast<double>(n), total.open / static_cast<double>(n)};
}

} // namespace

std::string cipher_name(link::cipher c) {
  return c == link::cipher::aes256_gcm ? "AES-256-GCM" : "ChaCha20-Poly1305";
}

std::vector<aead_figures> measure_aead() {
  std::vector<aead_figures> out;
  auto mask = link::available_ciphers();
  for (auto c : {link::cipher::aes256_gcm, link::cipher::chacha20_poly1305}) {
    if ((mask & static_cast<std::uint8_t>(c)) == 0)
      continue;
    constexpr std::size_t big = 64 * 1024;
    auto mb = [](double seconds) { return static_cast<double>(big) / seconds / 1e6; };
    auto large = cost_of(c, big);
    auto small = cost_of(c, 128);
    out.push_back({c, mb(large.seal + large.open), mb(large.seal), mb(large.open),
                   (small.seal + small.open) * 1e9});
  }
  return out;
}

} // namespace mosaik::bench
