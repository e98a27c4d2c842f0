// coalesce(): which messages of one ready merge, and which keep their place.

#include "actors/core/raft/coalesce.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::raft;

namespace {

node_id peer(std::uint8_t k) {
  node_id::array_type raw{};
  raw[0] = k;
  return node_id{raw};
}

entry ent(index_t i, term_t t, std::size_t size = 1) { return {i, t, entry_type::command, mosaik::bytes(size, 7)}; }

message append(std::uint8_t to, index_t prev, term_t prev_term, std::vector<entry> ents, index_t commit,
               term_t term = 2) {
  return {peer(1), peer(to), term, {}, append_request{prev, prev_term, std::move(ents), commit}};
}

message answer(std::uint8_t from, index_t index, bool reject = false) {
  return {peer(from), peer(1), 2, {}, append_response{index, reject, reject ? index - 1 : 0, false}};
}

const append_request& as_append(const message& m) { return std::get<append_request>(m.body); }

} // namespace

TEST_CASE("coalesce joins the appends that continue each other, per receiver") {
  auto out = coalesce({append(2, 5, 2, {ent(6, 2)}, 5), append(3, 5, 2, {ent(6, 2)}, 5),
                       append(2, 6, 2, {ent(7, 2)}, 6), append(3, 6, 2, {ent(7, 2)}, 6),
                       append(2, 7, 2, {}, 7)},
                      1u << 20);
  REQUIRE(out.size() == 2);
  CHECK(out[0].to == peer(2));
  CHECK(as_append(out[0]).prev_index == 5);
  CHECK(as_append(out[0]).entries == std::vector<entry>{ent(6, 2), ent(7, 2)});
  CHECK(as_append(out[0]).commit == 7);
  CHECK(out[1].to == peer(3));
  CHECK(as_append(out[1]).entries.size() == 2);
  CHECK(as_append(out[1]).commit == 6);
}

TEST_CASE("coalesce keeps an append that does not continue the last one, and other terms") {
  // A retry from further back, and an append of another term.
  auto out = coalesce({append(2, 5, 2, {ent(6, 2)}, 5), append(2, 3, 2, {ent(4, 2)}, 5),
                       append(2, 4, 2, {ent(5, 3)}, 5, 3)},
                      1u << 20);
  CHECK(out.size() == 3);
}

TEST_CASE("coalesce stops joining at the byte bound") {
  auto out = coalesce({append(2, 5, 2, {ent(6, 2, 600)}, 5), append(2, 6, 2, {ent(7, 2, 600)}, 5),
                       append(2, 7, 2, {ent(8, 2, 300)}, 5)},
                      1000);
  REQUIRE(out.size() == 2);
  CHECK(as_append(out[0]).entries.size() == 1);
  CHECK(as_append(out[1]).entries.size() == 2); // 600 + 300 fit
}

TEST_CASE("coalesce keeps the highest successful answer and every rejection") {
  auto out = coalesce({answer(2, 6), answer(2, 8), answer(2, 7), answer(2, 9, true), answer(2, 10)},
                      1u << 20);
  REQUIRE(out.size() == 3);
  CHECK(std::get<append_response>(out[0].body).index == 8);
  CHECK(std::get<append_response>(out[1].body).reject);
  CHECK(std::get<append_response>(out[2].body).index == 10);
}

TEST_CASE("coalesce never merges across another message to the same receiver") {
  message beat{peer(1), peer(2), 2, {}, heartbeat_request{5, 1}};
  auto out = coalesce({append(2, 5, 2, {ent(6, 2)}, 5), beat, append(2, 6, 2, {ent(7, 2)}, 6)}, 1u << 20);
  REQUIRE(out.size() == 3);
  CHECK(std::holds_alternative<heartbeat_request>(out[1].body));
}
