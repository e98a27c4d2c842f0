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

constexpr double spell = 0.25; // CPU seconds per cipher and size

double cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

/// CPU seconds per record, sealing then opening records of `size` bytes for one
/// spell. A record that does not open is a bug in the sealer or the bench.
double seconds_per_record(link::cipher c, std::size_t size) {
  link::key256 key;
  randombytes_buf(key.data(), key.size());
  link::aead_sealer tx{c, key};
  link::aead_opener rx{c, key};
  bytes plain(size, 0x5a);
  bytes sealed(link::record_header_size + size + link::aead_overhead);
  std::uint64_t n = 0;
  auto t0 = cpu_seconds();
  while (cpu_seconds() - t0 < spell)
    for (int i = 0; i < 64; ++i, ++n) {
      auto len = tx.seal_record(plain, sealed.data());
      auto body = byte_view{sealed}.subspan(link::record_header_size, len - link::record_header_size);
      if (!rx.open(body)) {
        std::fprintf(stderr, "mosaik_bench_link: a %s record of %zu bytes did not open\n",
                     cipher_name(c).c_str(), size);
        std::abort();
      }
    }
  return (cpu_seconds() - t0) / static_cast<double>(n);
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
    auto mb_per_s = static_cast<double>(big) / seconds_per_record(c, big) / 1e6;
    out.push_back({c, mb_per_s, seconds_per_record(c, 128) * 1e9});
  }
  return out;
}

} // namespace mosaik::bench
