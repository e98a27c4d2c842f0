#include "actors/core/link/aead.hpp"
#include "actors/core/link/record_reader.hpp"

#include <doctest/doctest.h>
#include <sodium.h>

#include <algorithm>
#include <vector>

using namespace mosaik;
using namespace mosaik::link;

namespace {

key256 key_of(std::uint8_t fill) {
  key256 k;
  k.fill(fill);
  return k;
}

/// The ciphers to test here: ChaCha20-Poly1305 always, AES-256-GCM where the
/// CPU runs it.
std::vector<cipher> testable_ciphers() {
  std::vector<cipher> out{cipher::chacha20_poly1305};
  if (available_ciphers() & static_cast<std::uint8_t>(cipher::aes256_gcm))
    out.push_back(cipher::aes256_gcm);
  return out;
}

/// The body of a sealed record (the header checked and cut off).
bytes seal(aead_sealer& s, const bytes& plain) {
  bytes out(record_header_size + plain.size() + aead_overhead);
  auto n = s.seal_record(plain, out.data());
  REQUIRE(n == out.size());
  record_reader reader{out.size()};
  reader.feed(out);
  auto body = reader.next();
  REQUIRE(body);
  REQUIRE(*body);
  REQUIRE((*body)->size() == plain.size() + aead_overhead);
  return std::move(**body);
}

bytes text(std::string_view s) {
  auto v = as_bytes(s);
  return {v.begin(), v.end()};
}

} // namespace

TEST_CASE("aead: records round-trip in order under both ciphers") {
  for (auto c : testable_ciphers()) {
    INFO("cipher " << int(c));
    aead_sealer sealer{c, key_of(1)};
    aead_opener opener{c, key_of(1)};
    for (std::size_t size : {0, 1, 15, 16, 17, 1000, 65536}) {
      bytes plain(size);
      for (std::size_t i = 0; i < size; ++i)
        plain[i] = static_cast<std::uint8_t>(i);
      auto body = seal(sealer, plain);
      CHECK(body != plain);
      auto opened = opener.open(body);
      REQUIRE(opened);
      CHECK(*opened == plain);
    }
    CHECK(sealer.counter() == 7);
    CHECK(opener.counter() == 7);
  }
}

TEST_CASE("aead: the same plaintext seals differently under each counter") {
  for (auto c : testable_ciphers()) {
    aead_sealer sealer{c, key_of(1)};
    CHECK(seal(sealer, text("same")) != seal(sealer, text("same")));
  }
}

TEST_CASE("aead: a replayed record does not open and does not advance the counter") {
  for (auto c : testable_ciphers()) {
    aead_sealer sealer{c, key_of(1)};
    aead_opener opener{c, key_of(1)};
    auto first = seal(sealer, text("first"));
    REQUIRE(opener.open(first));
    CHECK_FALSE(opener.open(first));
    CHECK(opener.counter() == 1);
    auto second = seal(sealer, text("second"));
    auto opened = opener.open(second);
    REQUIRE(opened);
    CHECK(*opened == text("second"));
  }
}

TEST_CASE("aead: reordered and dropped records do not open") {
  for (auto c : testable_ciphers()) {
    aead_sealer sealer{c, key_of(1)};
    aead_opener opener{c, key_of(1)};
    auto r0 = seal(sealer, text("zero"));
    auto r1 = seal(sealer, text("one"));
    auto r2 = seal(sealer, text("two"));
    CHECK_FALSE(opener.open(r1)); // reordered (or r0 dropped)
    CHECK_FALSE(opener.open(r2)); // dropped
    CHECK(opener.counter() == 0);
    REQUIRE(opener.open(r0));
    REQUIRE(opener.open(r1));
    REQUIRE(opener.open(r2));
    CHECK(opener.counter() == 3);
  }
}

TEST_CASE("aead: altered and truncated records do not open") {
  for (auto c : testable_ciphers()) {
    aead_sealer sealer{c, key_of(1)};
    aead_opener opener{c, key_of(1)};
    auto body = seal(sealer, text("a record worth altering"));
    for (std::size_t i = 0; i < body.size(); ++i) {
      auto altered = body;
      altered[i] ^= 0x01;
      CHECK_FALSE(opener.open(altered));
    }
    CHECK_FALSE(opener.open(byte_view{body}.first(body.size() - 1)));
    CHECK_FALSE(opener.open(byte_view{body}.first(aead_overhead)));
    CHECK_FALSE(opener.open(byte_view{body}.first(aead_overhead - 1)));
    CHECK_FALSE(opener.open(bytes{}));
    auto longer = body;
    longer.push_back(0);
    CHECK_FALSE(opener.open(longer));
    CHECK(opener.counter() == 0);
    CHECK(opener.open(body));
  }
}

TEST_CASE("aead: another key or another cipher does not open") {
  auto ciphers = testable_ciphers();
  for (auto c : ciphers) {
    aead_sealer sealer{c, key_of(1)};
    aead_opener wrong{c, key_of(2)};
    auto body = seal(sealer, text("secret"));
    CHECK_FALSE(wrong.open(body));
    CHECK(wrong.counter() == 0);
  }
  if (ciphers.size() == 2) {
    aead_sealer chacha{cipher::chacha20_poly1305, key_of(1)};
    aead_opener aes{cipher::aes256_gcm, key_of(1)};
    CHECK_FALSE(aes.open(seal(chacha, text("secret"))));
  }
}

TEST_CASE("aead: the nonce is the counter little endian, zero padded") {
  // Record 257 (counter 256) against libsodium called directly.
  for (auto c : testable_ciphers()) {
    INFO("cipher " << int(c));
    auto key = key_of(3);
    aead_sealer sealer{c, key};
    for (int i = 0; i < 256; ++i)
      (void)seal(sealer, text("x"));
    auto body = seal(sealer, text("x"));
    std::array<unsigned char, 12> nonce{};
    nonce[1] = 1;
    bytes expected(1 + aead_overhead);
    unsigned long long n = 0;
    auto m = text("x");
    if (c == cipher::aes256_gcm)
      crypto_aead_aes256gcm_encrypt(expected.data(), &n, m.data(), m.size(), nullptr, 0, nullptr,
                                    nonce.data(), key.data());
    else
      crypto_aead_chacha20poly1305_ietf_encrypt(expected.data(), &n, m.data(), m.size(), nullptr,
                                                0, nullptr, nonce.data(), key.data());
    CHECK(body == expected);
  }
}

TEST_CASE("aead: choose_cipher prefers AES-256-GCM and needs a common cipher") {
  constexpr std::uint8_t chacha = 1;
  constexpr std::uint8_t aes = 2;
  constexpr std::uint8_t both = 3;
  CHECK(choose_cipher(both, both) == cipher::aes256_gcm);
  CHECK(choose_cipher(both, chacha) == cipher::chacha20_poly1305);
  CHECK(choose_cipher(chacha, both) == cipher::chacha20_poly1305);
  CHECK(choose_cipher(aes, both) == cipher::aes256_gcm);
  CHECK(choose_cipher(aes, aes) == cipher::aes256_gcm);
  CHECK(choose_cipher(chacha, chacha) == cipher::chacha20_poly1305);
  CHECK_FALSE(choose_cipher(aes, chacha));
  CHECK_FALSE(choose_cipher(0, both));
  CHECK_FALSE(choose_cipher(both, 0));
  CHECK_FALSE(choose_cipher(0xfc, 0xfc)); // unknown bits only
  CHECK(choose_cipher(0xff, chacha) == cipher::chacha20_poly1305);
}

TEST_CASE("aead: every machine runs ChaCha20-Poly1305") {
  auto mask = available_ciphers();
  CHECK((mask & static_cast<std::uint8_t>(cipher::chacha20_poly1305)) != 0);
  CHECK((mask & ~std::uint8_t{3}) == 0);
}

TEST_CASE("aead: sealing and opening in place give what sealing and opening apart give") {
  for (auto c : testable_ciphers()) {
    INFO("cipher " << int(c));
    aead_sealer apart{c, key_of(3)};
    aead_sealer in_place{c, key_of(3)};
    aead_opener opener{c, key_of(3)};
    for (std::size_t size : {0, 1, 15, 16, 17, 1000, 65536}) {
      bytes plain(size);
      for (std::size_t i = 0; i < size; ++i)
        plain[i] = static_cast<std::uint8_t>(i * 13 + 1);
      bytes expected(record_header_size + size + aead_overhead);
      apart.seal_record(plain, expected.data());
      bytes record(record_header_size + size + aead_overhead, 0);
      std::copy(plain.begin(), plain.end(), record.begin() + record_header_size);
      CHECK(in_place.seal_in_place(record.data(), size) == record.size());
      CHECK(record == expected);
      bytes body(record.begin() + record_header_size, record.end());
      REQUIRE(opener.open_in_place(body));
      CHECK(body == plain);
    }
  }
}

TEST_CASE("aead: a record altered anywhere does not open in place and the counter stays") {
  for (auto c : testable_ciphers()) {
    INFO("cipher " << int(c));
    aead_sealer sealer{c, key_of(4)};
    aead_opener opener{c, key_of(4)};
    auto body = seal(sealer, text("in place"));
    for (std::size_t at : {std::size_t{0}, body.size() / 2, body.size() - 1}) {
      auto altered = body;
      altered[at] ^= 0x80;
      CHECK_FALSE(opener.open_in_place(altered));
      CHECK(opener.counter() == 0);
    }
    bytes too_short(aead_overhead - 1, 0);
    CHECK_FALSE(opener.open_in_place(too_short));
    REQUIRE(opener.open_in_place(body));
    CHECK(body == text("in place"));
    CHECK(opener.counter() == 1);
  }
}

TEST_CASE("aead: AES-256-GCM records of every size are libsodium's, whichever implementation sealed them") {
  if (!(available_ciphers() & static_cast<std::uint8_t>(cipher::aes256_gcm)))
    return; // no AES-NI here: nothing to compare
  auto key = key_of(5);
  aead_sealer sealer{cipher::aes256_gcm, key};
  aead_opener opener{cipher::aes256_gcm, key};
  std::uint64_t counter = 0;
  // Around the size where sealing switches to OpenSSL (512), and large.
  for (std::size_t size : {0, 255, 511, 512, 513, 4096, 65536, 1 << 20}) {
    INFO("size " << size);
    bytes plain(size);
    for (std::size_t i = 0; i < size; ++i)
      plain[i] = static_cast<std::uint8_t>(i * 7 + 3);
    auto body = seal(sealer, plain);
    std::array<unsigned char, 12> nonce{};
    for (std::size_t i = 0; i < 8; ++i)
      nonce[i] = static_cast<unsigned char>(counter >> (8 * i));
    ++counter;
    bytes expected(size + aead_overhead);
    unsigned long long n = 0;
    crypto_aead_aes256gcm_encrypt(expected.data(), &n, plain.data(), plain.size(), nullptr, 0, nullptr,
                                  nonce.data(), key.data());
    CHECK(body == expected);
    auto altered = body;
    altered[altered.size() / 2] ^= 0x01;
    CHECK_FALSE(opener.open_in_place(altered));
    CHECK(opener.counter() == counter - 1);
    REQUIRE(opener.open_in_place(body));
    CHECK(body == plain);
  }
}
