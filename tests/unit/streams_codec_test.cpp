// The stream wire codec: every message round-trips, and the decoder
// refuses what breaks its bounds or the protocol's rules with typed errors.
#include "actors/core/rng.hpp"
#include "schemas/codec/streams_codec.hpp"
// Only to forge encodings our encoder cannot produce (ids of the wrong length).
#include "schemas/streams.capnp.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <doctest/doctest.h>

#include <functional>
#include <string>

using namespace mosaik;
using namespace mosaik::streams;
using codec::decode_errc;

namespace {

std::vector<stream_message> every_message() {
  return {subscribe{0x1234, network_id::from("net"), stream_id::from("ticks"), criteria{}, 1024, 16u << 20},
          accepted{0x1234, 99, 17},
          batch{0x1234, 17, {make_datum({1, 2, 3}), make_datum({}), make_datum(bytes(300, 7))}},
          credit{0x1234, 512, 65536},
          stream_close{0x1234, close_code::too_slow, "1024 datums queued"},
          unsubscribe{0x1234, close_code::cancelled, "the consumer is closing"}};
}

auto round_trip(const stream_message& m) {
  return codec::decode_stream_message(codec::encode_stream_message(m));
}

template <class T>
void check_refused(const expected<T, codec::decode_error>& r, decode_errc code,
                   const std::string& detail_part) {
  REQUIRE_FALSE(r);
  CHECK(r.error().code == code);
  CHECK_MESSAGE(r.error().detail.find(detail_part) != std::string::npos, r.error().detail);
}

auto forged(const std::function<void(schema::StreamMessage::Builder)>& fill) {
  capnp::MallocMessageBuilder builder;
  fill(builder.initRoot<schema::StreamMessage>());
  auto words = capnp::messageToFlatArray(builder);
  auto raw = words.asBytes();
  return codec::decode_stream_message(bytes(raw.begin(), raw.end()));
}

kj::ArrayPtr<const kj::byte> id_of_size(std::size_t n) {
  static const bytes filler(64, 0x11);
  return kj::arrayPtr(filler.data(), n);
}

} // namespace

TEST_CASE("streams codec: every message kind round-trips") {
  auto all = every_message();
  REQUIRE(all.size() == std::variant_size_v<stream_message>);
  for (std::size_t k = 0; k < all.size(); ++k) {
    CHECK(all[k].index() == k);
    auto decoded = round_trip(all[k]);
    REQUIRE(decoded);
    CHECK(*decoded == all[k]);
    CHECK(kind_name(*decoded) == kind_name(all[k]));
    CHECK(to_producer(*decoded) == to_producer(all[k]));
  }
}

TEST_CASE("streams codec: byte credit round-trips and its absence stays absent") {
  // An older consumer counts datums only: no byte credit, not a zero one.
  subscribe datums_only{7, network_id::from("net"), stream_id::from("ticks"), criteria{}, 8};
  auto decoded = round_trip(datums_only);
  REQUIRE(decoded);
  CHECK_FALSE(std::get<subscribe>(*decoded).initial_credit_bytes.has_value());
  subscribe zero_bytes = datums_only;
  zero_bytes.initial_credit_bytes = 0;
  decoded = round_trip(zero_bytes);
  REQUIRE(decoded);
  CHECK(std::get<subscribe>(*decoded).initial_credit_bytes == std::optional<std::uint64_t>{0});
  auto c = round_trip(credit{7, 1, 0});
  REQUIRE(c);
  CHECK(std::get<credit>(*c) == credit{7, 1, 0});
}

TEST_CASE("streams codec: batch equality compares the datums' bytes") {
  batch a{1, 1, {make_datum({1, 2})}};
  batch b{1, 1, {make_datum({1, 2})}};
  batch c{1, 1, {make_datum({1, 3})}};
  CHECK(a == b);
  CHECK_FALSE(a == c);
}

TEST_CASE("streams codec: every known close code round-trips and others are refused") {
  for (auto raw : {101u, 102u, 204u, 400u, 401u, 10403u, 10404u, 10413u, 10509u}) {
    auto code = static_cast<close_code>(raw);
    REQUIRE(is_known(code));
    stream_message c = stream_close{3, code, std::string(to_string(code))};
    CHECK(*round_trip(c) == c);
    stream_message u = unsubscribe{3, code, ""};
    CHECK(*round_trip(u) == u);
  }
  for (auto raw : {0u, 100u, 200u, 30403u, 10414u, 0xffffffffu}) {
    check_refused(round_trip(stream_close{3, static_cast<close_code>(raw), ""}),
                  decode_errc::unknown_kind, "close.code");
    check_refused(round_trip(unsubscribe{3, static_cast<close_code>(raw), ""}),
                  decode_errc::unknown_kind, "unsubscribe.code");
  }
}

TEST_CASE("streams codec: a close detail is bounded") {
  stream_message longest = stream_close{1, close_code::too_slow, std::string(max_close_detail, 'x')};
  CHECK(*round_trip(longest) == longest);
  check_refused(round_trip(stream_close{1, close_code::too_slow, std::string(max_close_detail + 1, 'x')}),
                decode_errc::bad_field, "close.detail");
  check_refused(round_trip(unsubscribe{1, close_code::cancelled, std::string(max_close_detail + 1, 'x')}),
                decode_errc::bad_field, "unsubscribe.detail");
}

TEST_CASE("streams codec: a batch is bounded in datums and datum size") {
  batch most{1, 1, std::vector<shared_datum>(max_batch_datums, make_datum({1}))};
  CHECK(*round_trip(most) == stream_message{most});
  batch too_many{1, 1, std::vector<shared_datum>(max_batch_datums + 1, make_datum({1}))};
  check_refused(round_trip(too_many), decode_errc::bad_field, "batch.datums");
  batch largest{1, 1, {make_datum(bytes(max_datum_bytes, 1))}};
  CHECK(*round_trip(largest) == stream_message{largest});
  batch too_large{1, 1, {make_datum(bytes(max_datum_bytes + 1, 1))}};
  check_refused(round_trip(too_large), decode_errc::bad_field, "datum exceeds");
  check_refused(codec::decode_stream_message(codec::encode_stream_message(largest), {.max_bytes = 1024}),
                decode_errc::too_large, "cap");
}

TEST_CASE("streams codec: sequence numbers and credits are checked") {
  check_refused(round_trip(batch{1, 1, {}}), decode_errc::bad_field, "empty");
  check_refused(round_trip(batch{1, 0, {make_datum({1})}}), decode_errc::bad_field, "firstSeq");
  check_refused(round_trip(batch{1, ~std::uint64_t{0}, {make_datum({1}), make_datum({2})}}),
                decode_errc::bad_field, "overflow");
  // The number after the last datum must exist too.
  check_refused(round_trip(batch{1, ~std::uint64_t{0}, {make_datum({1})}}), decode_errc::bad_field,
                "overflow");
  stream_message last{batch{1, ~std::uint64_t{0} - 1, {make_datum({1})}}};
  CHECK(*round_trip(last) == last);
  check_refused(round_trip(accepted{1, 2, 0}), decode_errc::bad_field, "nextSeq");
  check_refused(round_trip(credit{1, 0}), decode_errc::bad_field, "credit.datums");
}

TEST_CASE("streams codec: ids must be 32 bytes") {
  for (std::size_t n : {0u, 31u, 33u}) {
    CAPTURE(n);
    check_refused(forged([&](schema::StreamMessage::Builder b) {
                    auto s = b.initSubscribe();
                    s.setNetwork(id_of_size(n));
                    s.setStream(id_of_size(32));
                  }),
                  decode_errc::bad_field, "subscribe.network");
    check_refused(forged([&](schema::StreamMessage::Builder b) {
                    auto s = b.initSubscribe();
                    s.setNetwork(id_of_size(32));
                    s.setStream(id_of_size(n));
                  }),
                  decode_errc::bad_field, "subscribe.stream");
  }
}

TEST_CASE("streams codec: garbage is refused without a crash") {
  check_refused(codec::decode_stream_message({}), decode_errc::truncated, "");
  check_refused(codec::decode_stream_message(bytes(13, 0)), decode_errc::truncated, "");
  rng r{11};
  std::size_t refused = 0;
  for (int round = 0; round < 2000; ++round) {
    bytes noise(8 * (1 + r.below(16)));
    for (auto& b : noise)
      b = static_cast<std::uint8_t>(r.next());
    auto decoded = codec::decode_stream_message(noise);
    if (!decoded)
      ++refused;
    else
      CHECK(*round_trip(*decoded) == *decoded);
  }
  CHECK(refused > 1000);
  auto valid = codec::encode_stream_message(every_message()[2]);
  for (std::size_t cut = 8; cut < valid.size(); cut += 8) {
    auto decoded = codec::decode_stream_message(byte_view{valid.data(), cut});
    CHECK_FALSE(decoded);
  }
}
