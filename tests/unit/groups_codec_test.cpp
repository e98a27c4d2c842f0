#include "actors/core/rng.hpp"
#include "schemas/codec/groups_codec.hpp"
#include "schemas/codec/raft_codec.hpp"
// Only to forge encodings our encoder cannot produce (ids of the wrong length).
#include "schemas/groups.capnp.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <doctest/doctest.h>

#include <functional>
#include <string>

using namespace mosaik;
using namespace mosaik::groups;
using codec::decode_errc;

namespace {

peer_id pid(std::uint8_t n) {
  peer_id::array_type raw{};
  raw.fill(n);
  return peer_id{raw};
}

peer_id numbered(std::size_t k) {
  peer_id::array_type raw{};
  raw[0] = static_cast<std::uint8_t>(k >> 8);
  raw[1] = static_cast<std::uint8_t>(k);
  return peer_id{raw};
}

raft::message sample_raft() {
  raft::append_request a{7, 2,
                         {{8, 2, raft::entry_type::command, bytes{1, 2, 3}},
                          {9, 3, raft::entry_type::noop, {}}},
                         6};
  return {pid(1), pid(2), 6, digest::from("lineage"), a};
}

std::vector<bond_message> every_bond() {
  return {bond_hello{network_id::from("net"), group_id::from("group"), digest::from("proof"),
                     digest::from("lineage"), {pid(3), pid(4), pid(5)}, true},
          bond_welcome{digest::from("proof 2"), digest::from("lineage"), {pid(6)}, false, true},
          bond_close{bond_close_reason::split_lineage, "lineage 1234 differs"},
          bond_ping{},
          bond_pong{},
          bond_departure{},
          bond_formed{pid(7)},
          sample_raft()};
}

std::vector<raft::entry> entries_from(raft::index_t first, std::size_t n) {
  std::vector<raft::entry> out;
  for (std::size_t k = 0; k < n; ++k)
    out.push_back({first + k, 3 + k / 2, raft::entry_type::command, bytes(k + 1, 0x5a)});
  return out;
}

std::vector<sync_message> every_sync() {
  return {availability_request{},
          availability_response{{3, 900}, 7},
          fetch_request{{40, 42}},
          fetch_response{{40, 42}, entries_from(40, 3)}};
}

auto round_trip_bond(const bond_message& m) {
  return codec::decode_bond_message(codec::encode_bond_message(m));
}

auto round_trip_sync(const sync_message& m) {
  return codec::decode_sync_message(codec::encode_sync_message(m));
}

template <class T>
void check_refused(const expected<T, codec::decode_error>& r, decode_errc code,
                   const std::string& detail_part) {
  REQUIRE_FALSE(r);
  CHECK(r.error().code == code);
  CHECK_MESSAGE(r.error().detail.find(detail_part) != std::string::npos, r.error().detail);
}

/// A bond message forged with the schema's builders, decoded by ours.
auto forged_bond(const std::function<void(schema::BondMessage::Builder)>& fill) {
  capnp::MallocMessageBuilder builder;
  fill(builder.initRoot<schema::BondMessage>());
  auto words = capnp::messageToFlatArray(builder);
  auto raw = words.asBytes();
  return codec::decode_bond_message(bytes(raw.begin(), raw.end()));
}

kj::ArrayPtr<const kj::byte> id_of_size(std::size_t n) {
  static const bytes filler(64, 0x11);
  return kj::arrayPtr(filler.data(), n);
}

} // namespace

TEST_CASE("groups codec: every bond message kind round-trips") {
  auto all = every_bond();
  REQUIRE(all.size() == std::variant_size_v<bond_message>);
  for (std::size_t k = 0; k < all.size(); ++k) {
    CHECK(all[k].index() == k);
    auto decoded = round_trip_bond(all[k]);
    REQUIRE(decoded);
    CHECK(*decoded == all[k]);
    CHECK(kind_name(*decoded) == kind_name(all[k]));
  }
}

TEST_CASE("groups codec: every sync message kind round-trips") {
  auto all = every_sync();
  REQUIRE(all.size() == std::variant_size_v<sync_message>);
  for (std::size_t k = 0; k < all.size(); ++k) {
    CHECK(all[k].index() == k);
    auto decoded = round_trip_sync(all[k]);
    REQUIRE(decoded);
    CHECK(*decoded == all[k]);
  }
  sync_message nothing = fetch_response{{40, 39}, {}};
  CHECK(*round_trip_sync(nothing) == nothing);
}

TEST_CASE("groups codec: every raft message kind embeds in a bond message") {
  std::vector<raft::message_body> bodies{
    raft::append_response{9, true, 4, true},
    raft::heartbeat_request{5, 77},
    raft::vote_request{true, 12, 4},
    raft::snapshot_request{{100, 6, {{pid(1), pid(2)}, {pid(3)}, digest::from("l")}}},
    raft::forward_proposal{42, 6, bytes{9, 9}},
    raft::proposal_response{42, raft::forward_answer::unknown, 101, 6},
    raft::read_response{43, true, 99},
    raft::forward_proposal_batch{{{42, 6, bytes{9, 9}}, {43, 6, bytes{1}}}},
    raft::proposal_response_batch{{{42, raft::forward_answer::accepted, 101, 6}}}};
  for (auto& body : bodies) {
    bond_message m = raft::message{pid(1), pid(2), 6, digest::from("lineage"), body};
    auto decoded = round_trip_bond(m);
    REQUIRE(decoded);
    CHECK(*decoded == m);
  }
}

TEST_CASE("groups codec: every known close reason round-trips and others are refused") {
  for (auto raw : {0, 101, 401, 30400, 30403, 30404, 30405, 30408, 30429, 30430, 30431, 30432}) {
    auto reason = static_cast<bond_close_reason>(raw);
    REQUIRE(is_known(reason));
    bond_message m = bond_close{reason, to_string(reason).data()};
    CHECK(*round_trip_bond(m) == m);
  }
  for (auto raw : {1, 400, 30401, 30433, 65535}) {
    bond_message m = bond_close{static_cast<bond_close_reason>(raw), ""};
    check_refused(round_trip_bond(m), decode_errc::unknown_kind, "close.reason");
  }
}

TEST_CASE("groups codec: a greeting is never both observer and reluctant") {
  bond_message reluctant_hello = bond_hello{{}, {}, {}, {}, {}, false, true};
  CHECK(*round_trip_bond(reluctant_hello) == reluctant_hello);
  check_refused(round_trip_bond(bond_hello{{}, {}, {}, {}, {}, true, true}), decode_errc::bad_field,
                "hello is both observer and reluctant");
  check_refused(round_trip_bond(bond_welcome{{}, {}, {}, true, true}), decode_errc::bad_field,
                "welcome is both observer and reluctant");
}

TEST_CASE("groups codec: a close detail is bounded") {
  bond_message longest = bond_close{bond_close_reason::timeout, std::string(max_close_detail, 'x')};
  CHECK(*round_trip_bond(longest) == longest);
  bond_message too_long =
    bond_close{bond_close_reason::timeout, std::string(max_close_detail + 1, 'x')};
  check_refused(round_trip_bond(too_long), decode_errc::bad_field, "close.detail");
}

TEST_CASE("groups codec: bonded lists are bounded") {
  std::vector<peer_id> most;
  for (std::size_t k = 0; k < max_bonded_listed; ++k)
    most.push_back(numbered(k));
  bond_message hello = bond_hello{{}, {}, {}, {}, most};
  CHECK(*round_trip_bond(hello) == hello);
  most.push_back(numbered(max_bonded_listed));
  check_refused(round_trip_bond(bond_hello{{}, {}, {}, {}, most}), decode_errc::bad_field,
                "hello.bonded");
  check_refused(round_trip_bond(bond_welcome{{}, {}, most}), decode_errc::bad_field,
                "welcome.bonded");
}

TEST_CASE("groups codec: bonded lists must not repeat a peer") {
  std::vector<peer_id> twice{pid(1), pid(2), pid(1)};
  check_refused(round_trip_bond(bond_hello{{}, {}, {}, {}, twice}), decode_errc::bad_field,
                "twice");
  check_refused(round_trip_bond(bond_welcome{{}, {}, twice}), decode_errc::bad_field, "twice");
}

TEST_CASE("groups codec: ids must be exactly 32 bytes") {
  for (std::size_t size : {0, 31, 33}) {
    CAPTURE(size);
    auto hello = [&](auto set) {
      return forged_bond([&](schema::BondMessage::Builder b) {
        auto h = b.initHello();
        h.setNetwork(id_of_size(32));
        h.setGroup(id_of_size(32));
        h.setProof(id_of_size(32));
        h.setLineage(id_of_size(32));
        h.initBonded(1).set(0, id_of_size(32));
        set(h);
      });
    };
    CHECK(hello([](auto) {}));
    check_refused(hello([&](auto h) { h.setNetwork(id_of_size(size)); }), decode_errc::bad_field,
                  "hello.network");
    check_refused(hello([&](auto h) { h.setGroup(id_of_size(size)); }), decode_errc::bad_field,
                  "hello.group");
    check_refused(hello([&](auto h) { h.setProof(id_of_size(size)); }), decode_errc::bad_field,
                  "hello.proof");
    check_refused(hello([&](auto h) { h.setLineage(id_of_size(size)); }), decode_errc::bad_field,
                  "hello.lineage");
    check_refused(hello([&](auto h) { h.getBonded().set(0, id_of_size(size)); }),
                  decode_errc::bad_field, "hello.bonded");
    check_refused(forged_bond([&](schema::BondMessage::Builder b) {
                    auto w = b.initWelcome();
                    w.setProof(id_of_size(size));
                    w.setLineage(id_of_size(32));
                  }),
                  decode_errc::bad_field, "welcome.proof");
    check_refused(forged_bond([&](schema::BondMessage::Builder b) {
                    auto w = b.initWelcome();
                    w.setProof(id_of_size(32));
                    w.setLineage(id_of_size(size));
                  }),
                  decode_errc::bad_field, "welcome.lineage");
    check_refused(forged_bond([&](schema::BondMessage::Builder b) {
                    b.initBondFormed().setPeer(id_of_size(size));
                  }),
                  decode_errc::bad_field, "bondFormed.peer");
  }
}

TEST_CASE("groups codec: an embedded raft message gets the raft codec's checks") {
  // The raft codec's check of its ids, through a forged RaftMessage.
  check_refused(forged_bond([](schema::BondMessage::Builder b) {
                  auto r = b.initRaft();
                  r.setFrom(id_of_size(31));
                  r.setTo(id_of_size(32));
                  r.setLineage(id_of_size(32));
                  r.initBody().initHeartbeat();
                }),
                decode_errc::bad_field, "message.from");
  auto m = sample_raft();
  std::get<raft::append_request>(m.body).entries[1].index = 12;
  check_refused(round_trip_bond(m), decode_errc::bad_field, "consecutive");
  m = sample_raft();
  m.body = raft::proposal_response{1, static_cast<raft::forward_answer>(7), 0, 0};
  check_refused(round_trip_bond(m), decode_errc::unknown_kind, "answer");
  // The same bytes the raft codec refuses.
  auto raft_refused = codec::decode_raft_message(codec::encode_raft_message(m));
  REQUIRE_FALSE(raft_refused);
}

TEST_CASE("groups codec: a range starts at index 1 or later") {
  check_refused(round_trip_sync(availability_response{{0, 5}}), decode_errc::bad_field,
                "availabilityResponse.range");
  check_refused(round_trip_sync(fetch_request{{0, 5}}), decode_errc::bad_field,
                "fetchRequest.range");
  check_refused(round_trip_sync(fetch_response{{0, 0}, {}}), decode_errc::bad_field,
                "fetchResponse.range");
  sync_message empty = availability_response{{1, 0}};
  CHECK(*round_trip_sync(empty) == empty);
}

TEST_CASE("groups codec: fetched entries are bounded") {
  sync_message most = fetch_response{{1, max_fetch_entries}, entries_from(1, max_fetch_entries)};
  CHECK(*round_trip_sync(most) == most);
  sync_message too_many =
    fetch_response{{1, max_fetch_entries + 1}, entries_from(1, max_fetch_entries + 1)};
  check_refused(round_trip_sync(too_many), decode_errc::bad_field, "more than");
}

TEST_CASE("groups codec: fetched entries are consecutive and cover the range exactly") {
  auto entries = entries_from(40, 3);
  check_refused(round_trip_sync(fetch_response{{40, 43}, entries}), decode_errc::bad_field,
                "cover");
  check_refused(round_trip_sync(fetch_response{{40, 41}, entries}), decode_errc::bad_field,
                "cover");
  check_refused(round_trip_sync(fetch_response{{41, 40}, entries}), decode_errc::bad_field,
                "cover");
  check_refused(round_trip_sync(fetch_response{{41, 43}, entries}), decode_errc::bad_field,
                "consecutive");
  auto gap = entries;
  gap[1].index = 44;
  check_refused(round_trip_sync(fetch_response{{40, 42}, gap}), decode_errc::bad_field,
                "consecutive");
  auto unknown = entries;
  unknown[2].type = static_cast<raft::entry_type>(9);
  check_refused(round_trip_sync(fetch_response{{40, 42}, unknown}), decode_errc::unknown_kind,
                "entry.type");
}

TEST_CASE("groups codec: size cap, garbage and truncation yield typed errors") {
  codec::decode_limits limits;
  limits.max_bytes = 256;
  auto big = codec::encode_bond_message(bond_close{bond_close_reason::timeout, std::string(900, 'x')});
  check_refused(codec::decode_bond_message(big, limits), decode_errc::too_large, "cap");
  check_refused(codec::decode_sync_message(bytes(13, 0xab)), decode_errc::truncated, "words");
  auto cut = codec::encode_sync_message(every_sync().back());
  cut.resize(cut.size() / 2 / 8 * 8);
  CHECK(codec::decode_sync_message(cut).error().code == decode_errc::malformed);
}

TEST_CASE("groups codec: seeded byte flips never escape as exceptions") {
  rng r(2026);
  std::size_t decoded = 0;
  std::size_t refused = 0;
  auto flip = [&](bytes b) {
    for (int flips = 0; flips < 3; ++flips)
      b[r.below(b.size())] ^= static_cast<std::uint8_t>(1u << r.below(8));
    return b;
  };
  for (const auto& m : every_bond())
    for (int round = 0; round < 200; ++round)
      ++(codec::decode_bond_message(flip(codec::encode_bond_message(m))) ? decoded : refused);
  for (const auto& m : every_sync())
    for (int round = 0; round < 200; ++round)
      ++(codec::decode_sync_message(flip(codec::encode_sync_message(m))) ? decoded : refused);
  CHECK(decoded + refused == 12 * 200);
  CHECK(refused > 0);
}
