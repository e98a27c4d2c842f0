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

message forward(std::uint64_t id, std::size_t size = 1, std::uint8_t to = 1) {
  return {peer(2), peer(to), 0, {}, forward_proposal{id, 2, mosaik::bytes(size, static_cast<std::uint8_t>(id))}};
}

message reply(std::uint8_t to, std::uint64_t id) {
  return {peer(1), peer(to), 0, {}, proposal_response{id, forward_answer::accepted, id + 10, 2}};
}

std::vector<std::uint64_t> forward_ids(const message& m) {
  std::vector<std::uint64_t> ids;
  for (const auto& p : std::get<forward_proposal_batch>(m.body).proposals)
    ids.push_back(p.id);
  return ids;
}

std::vector<std::uint64_t> reply_ids(const message& m) {
  std::vector<std::uint64_t> ids;
  for (const auto& r : std::get<proposal_response_batch>(m.body).responses)
    ids.push_back(r.id);
  return ids;
}

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

TEST_CASE("coalesce joins forwarded proposals to one leader into one batch, in order") {
  auto out = coalesce({forward(1), forward(2, 3), forward(3)}, 1u << 20);
  REQUIRE(out.size() == 1);
  CHECK(forward_ids(out[0]) == std::vector<std::uint64_t>{1, 2, 3});
  const auto& batch = std::get<forward_proposal_batch>(out[0].body);
  CHECK(batch.proposals[1] == std::get<forward_proposal>(forward(2, 3).body));
  CHECK(out[0].to == peer(1));
  CHECK(out[0].term == 0);
}

TEST_CASE("coalesce joins answers per receiver and never across another message to it") {
  message beat{peer(1), peer(2), 2, {}, heartbeat_request{5, 1}};
  auto out = coalesce({reply(2, 1), reply(3, 2), reply(2, 3), beat, reply(2, 4), reply(2, 5),
                       reply(3, 6)},
                      1u << 20);
  REQUIRE(out.size() == 4);
  CHECK(out[0].to == peer(2));
  CHECK(reply_ids(out[0]) == std::vector<std::uint64_t>{1, 3});
  CHECK(reply_ids(out[1]) == std::vector<std::uint64_t>{2, 6});
  CHECK(std::holds_alternative<heartbeat_request>(out[2].body));
  CHECK(reply_ids(out[3]) == std::vector<std::uint64_t>{4, 5});
  CHECK(std::get<proposal_response_batch>(out[3].body).responses[0]
        == std::get<proposal_response>(reply(2, 4).body));
}

TEST_CASE("coalesce keeps a lone forward or answer as it is") {
  auto out = coalesce({forward(1), reply(3, 2), forward(4, 1, 3)}, 1u << 20);
  REQUIRE(out.size() == 3);
  CHECK(std::holds_alternative<forward_proposal>(out[0].body));
  CHECK(std::holds_alternative<proposal_response>(out[1].body));
  CHECK(std::holds_alternative<forward_proposal>(out[2].body));
}

TEST_CASE("coalesce bounds a batch of forwards by the bytes of their commands") {
  auto out = coalesce({forward(1, 400), forward(2, 400), forward(3, 400), forward(4, 2000)}, 1000);
  REQUIRE(out.size() == 3);
  CHECK(forward_ids(out[0]) == std::vector<std::uint64_t>{1, 2});
  CHECK(std::get<forward_proposal>(out[1].body).id == 3);
  CHECK(std::get<forward_proposal>(out[2].body).id == 4); // alone when over the bound
}

TEST_CASE("coalesce bounds a batch by max_batch items") {
  std::vector<message> replies;
  for (std::uint64_t id = 1; id <= max_batch + 1; ++id)
    replies.push_back(reply(2, id));
  auto out = coalesce(std::move(replies), ~std::size_t{0});
  REQUIRE(out.size() == 2);
  auto first = reply_ids(out[0]);
  REQUIRE(first.size() == max_batch);
  CHECK(first.back() == max_batch);
  CHECK(std::get<proposal_response>(out[1].body).id == max_batch + 1);
}

TEST_CASE("coalesce never joins forwards from different lineages") {
  auto other = forward(2);
  other.lineage = digest::from("another");
  auto out = coalesce({forward(1), other, forward(3)}, 1u << 20);
  REQUIRE(out.size() == 3);
  for (const auto& m : out)
    CHECK(std::holds_alternative<forward_proposal>(m.body));
  CHECK(out[1].lineage == other.lineage);
}

TEST_CASE("coalesce joins appends and answers to forwards across each other") {
  // A leader's ready for the follower that forwarded: each proposal's append, then its answer.
  auto out = coalesce({append(2, 5, 2, {ent(6, 2)}, 5), reply(2, 1), append(2, 6, 2, {ent(7, 2)}, 5),
                       reply(2, 2), append(2, 7, 2, {ent(8, 2)}, 6), reply(2, 3)},
                      1u << 20);
  REQUIRE(out.size() == 2);
  CHECK(as_append(out[0]).entries.size() == 3);
  CHECK(as_append(out[0]).commit == 6);
  CHECK(reply_ids(out[1]) == std::vector<std::uint64_t>{1, 2, 3});
  // The follower's side: answers to appends and its forwards.
  auto back = coalesce({answer(2, 6), forward(1), answer(2, 7), forward(2)}, 1u << 20);
  REQUIRE(back.size() == 2);
  CHECK(std::get<append_response>(back[0].body).index == 7);
  CHECK(forward_ids(back[1]) == std::vector<std::uint64_t>{1, 2});
}
