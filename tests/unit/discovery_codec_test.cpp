#include "actors/core/discovery/catalog.hpp"
#include "actors/core/discovery/rng.hpp"
#include "schemas/codec/discovery_codec.hpp"
#include "schemas/codec/handshake_codec.hpp"
#include "tests/unit/discovery_fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace mosaik;
using namespace mosaik::discovery;
using namespace mosaik::discovery::testing;
using codec::decode_errc;

namespace {

constexpr millis t0{1'000'000};

peer_entry full_entry(const secret_key& key) {
  auto e = entry_of(key, t0.count(), t0.count() + 7);
  e.add_address({"example.org", 4100});
  e.add_tag(tag::from("a"));
  e.add_tag(tag::from("b"));
  e.add_stream(stream_id::from("prices"));
  e.add_group(group_id::from("orders"));
  e.add_ticket({unique_id::from("jwt"), {1, 2, 3}});
  e.add_ticket({unique_id::from("tdx"), {}});
  return e;
}

message round_trip(const message& m) {
  auto decoded = codec::decode_discovery(codec::encode_discovery(m));
  REQUIRE(decoded);
  return *decoded;
}

decode_errc error_of(const bytes& encoded, const limits& lim = {}) {
  auto r = codec::decode_discovery(encoded, lim);
  REQUIRE_FALSE(r);
  return r.error().code;
}

/// Replaces the first occurrence of `from` in `data` by `to` (same size).
bool replace_bytes(bytes& data, byte_view from, byte_view to) {
  auto it = std::search(data.begin(), data.end(), from.begin(), from.end());
  if (it == data.end())
    return false;
  std::copy(to.begin(), to.end(), it);
  return true;
}

} // namespace

TEST_CASE("discovery codec: every message kind round-trips and entries still verify") {
  auto a = key_of(1), b = key_of(2);
  auto sa = sign(full_entry(a), a);
  auto sb = signed_entry_of(b, t0.count(), t0.count());
  auto bye = departure::sign(test_network(), b, {t0.count(), t0.count()}, t0 + millis{5});

  message ann = announce{{sa, sb}};
  auto back = round_trip(ann);
  CHECK(back == ann);
  for (const auto& e : std::get<announce>(back).entries)
    CHECK(e.verify());

  message dep = bye;
  back = round_trip(dep);
  CHECK(back == dep);
  CHECK(std::get<departure>(back).verify());

  message req = sync_request{42, {{a.public_id(), {1, 2}}, {b.public_id(), {3, 4}}}};
  CHECK(round_trip(req) == req);

  message chunk = sync_chunk{42, {{sa, millis{0}}, {sb, millis{1234}}}, {{bye, millis{9}}}, true};
  back = round_trip(chunk);
  CHECK(back == chunk);
  CHECK(std::get<sync_chunk>(back).entries[0].entry.verify());

  message empty = sync_chunk{1, {}, {}, false};
  CHECK(round_trip(empty) == empty);

  auto single = codec::decode_signed_entry(codec::encode_signed_entry(sa));
  REQUIRE(single);
  CHECK(*single == sa);
  CHECK(single->verify());
}

TEST_CASE("discovery codec: a forged signature decodes but never enters a catalog") {
  auto a = key_of(1), liar = key_of(2);
  auto genuine = sign(full_entry(a), a);
  auto forged_entry = full_entry(a);
  forged_entry.add_tag(tag::from("evil"));
  // Signed by the liar's key but claiming to be a's entry.
  auto sig = liar.sign(forged_entry.content_digest().view());
  auto encoded = codec::encode_discovery(
    announce{{signed_peer_entry::unverified(forged_entry, sig), genuine}});
  auto decoded = codec::decode_discovery(encoded);
  REQUIRE(decoded);
  const auto& entries = std::get<announce>(*decoded).entries;
  CHECK_FALSE(entries[0].verify());

  auto cfg = test_config();
  catalog cat{cfg, signed_entry_of(key_of(100), t0.count(), t0.count())};
  auto relay = key_of(50).public_id();
  CHECK(cat.ingest(entries[0], relay, t0).error() == rejection::bad_signature);
  CHECK(cat.ingest(entries[1], relay, t0));
  CHECK_FALSE(cat.get(a.public_id(), t0)->entry.tags().contains(tag::from("evil")));

  // Flipping a signed byte in transit is caught the same way.
  auto tampered = codec::encode_signed_entry(genuine);
  REQUIRE(replace_bytes(tampered, as_bytes("example.org"), as_bytes("example.com")));
  auto changed = codec::decode_signed_entry(tampered);
  REQUIRE(changed);
  CHECK_FALSE(changed->verify());
}

TEST_CASE("discovery codec: an entry of another network decodes and is refused by the catalog") {
  auto a = key_of(1);
  auto other = signed_entry_of(a, t0.count(), t0.count(), network_id::from("other"));
  auto decoded = codec::decode_discovery(codec::encode_discovery(announce{{other}}));
  REQUIRE(decoded);
  auto cfg = test_config();
  catalog cat{cfg, signed_entry_of(key_of(100), t0.count(), t0.count())};
  auto relay = key_of(50).public_id();
  CHECK(cat.ingest(std::get<announce>(*decoded).entries[0], relay, t0).error()
        == rejection::wrong_network);
  CHECK(cat.banned(relay, t0));
}

TEST_CASE("discovery codec: oversized entries and messages are refused before they are built") {
  auto a = key_of(1);
  limits lim;
  lim.max_tags = 1;
  auto e = full_entry(a); // two tags
  CHECK(error_of(codec::encode_discovery(announce{{sign(e, a)}}), lim) == decode_errc::bad_field);

  lim = limits{};
  lim.max_ticket_bytes = 2;
  CHECK(error_of(codec::encode_discovery(announce{{sign(e, a)}}), lim) == decode_errc::bad_field);

  lim = limits{};
  lim.max_announce_entries = 1;
  auto s = sign(e, a);
  CHECK(error_of(codec::encode_discovery(announce{{s, s}}), lim) == decode_errc::bad_field);

  lim = limits{};
  lim.max_summary_items = 1;
  sync_request req{1, {{a.public_id(), {}}, {key_of(2).public_id(), {}}}};
  CHECK(error_of(codec::encode_discovery(req), lim) == decode_errc::bad_field);

  lim = limits{};
  lim.max_chunk_entries = 1;
  CHECK(error_of(codec::encode_discovery(sync_chunk{1, {{s, {}}, {s, {}}}, {}, true}), lim)
        == decode_errc::bad_field);

  lim = limits{};
  lim.max_host_bytes = 4;
  CHECK(error_of(codec::encode_discovery(announce{{s}}), lim) == decode_errc::bad_field);

  // The byte cap applies before anything is parsed.
  codec::decode_limits small;
  small.max_bytes = 64;
  auto r = codec::decode_discovery(codec::encode_discovery(announce{{s}}), {}, small);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::too_large);
}

TEST_CASE("discovery codec: text keeps its exact bytes - NUL bytes are refused, not truncated") {
  // Found by fuzzing: a protocol string with a NUL byte was cut short when
  // re-encoded, so a forwarded entry no longer matched its signature and the
  // honest forwarder was charged for it.
  auto a = key_of(1);
  peer_entry e{std::string("mosaik\0evil", 11), test_network(), a.public_id(), {1, 2}};
  auto encoded = codec::encode_signed_entry(sign(e, a));
  auto r = codec::decode_signed_entry(encoded);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::bad_field);
  CHECK(r.error().detail.find("NUL") != std::string::npos);
  auto host = entry_of(a, 1, 2);
  host.add_address({std::string("h\0st", 5), 1});
  CHECK(codec::decode_signed_entry(codec::encode_signed_entry(sign(host, a))).error().code
        == decode_errc::bad_field);
  // Without NUL bytes the exact text survives.
  peer_entry odd{"mosaik-cpp/0.1.0 \xc3\xa9", test_network(), a.public_id(), {1, 2}};
  auto back = codec::decode_signed_entry(codec::encode_signed_entry(sign(odd, a)));
  REQUIRE(back);
  CHECK(back->entry().protocol() == odd.protocol());
  CHECK(back->verify());
}

TEST_CASE("discovery codec: duplicates in a list and implausible ages are bad fields") {
  auto a = key_of(1);
  auto e = full_entry(a);
  auto encoded = codec::encode_signed_entry(sign(e, a));
  auto ta = tag::from("a"), tb = tag::from("b");
  REQUIRE(replace_bytes(encoded, tb.view(), ta.view()));
  auto r = codec::decode_signed_entry(encoded);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == decode_errc::bad_field);
  CHECK(r.error().detail.find("duplicate") != std::string::npos);

  auto aged = sync_chunk{1, {{sign(e, a), millis{static_cast<millis::rep>(codec::max_age_ms + 1)}}},
                         {}, true};
  CHECK(error_of(codec::encode_discovery(aged)) == decode_errc::bad_field);
}

TEST_CASE("discovery codec: garbage and mutated messages fail cleanly, never throw") {
  auto a = key_of(1);
  auto valid = codec::encode_discovery(
    sync_chunk{3, {{sign(full_entry(a), a), millis{5}}},
               {{departure::sign(test_network(), a, {1, 2}, t0), millis{1}}}, true});
  CHECK(error_of(bytes{}) == decode_errc::truncated);
  CHECK(error_of(bytes(7, 0)) == decode_errc::truncated);

  rng r{2024};
  std::size_t failures = 0;
  for (int round = 0; round < 2000; ++round) {
    bytes data;
    if (round % 2 == 0) {
      data.resize(8 * (1 + r.below(64)));
      for (auto& byte : data)
        byte = static_cast<std::uint8_t>(r.next());
    } else {
      data = valid;
      for (int flips = 0; flips < 4; ++flips)
        data[r.below(data.size())] ^= static_cast<std::uint8_t>(1u << r.below(8));
    }
    auto decoded = codec::decode_discovery(data);
    if (!decoded)
      ++failures;
  }
  // Random words are almost never a well-formed message.
  CHECK(failures > 900);

  // A Close with reason 11 puts 11 where the union discriminant sits: an
  // unknown kind (as from a newer version), not a crash.
  auto close = codec::encode_close({wire::close_reason::banned, "x"});
  CHECK(error_of(close) == decode_errc::unknown_kind);
}
