// op_table alone: the orders in which the core's events can arrive.

#include "actors/core/groups/op_table.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::groups;
using o = raft::proposal_outcome;

namespace {

bytes b(std::string_view s) { return {s.begin(), s.end()}; }

raft::proposal_event ev(std::uint64_t id, o outcome, raft::index_t i = 0, raft::term_t t = 0) {
  return {id, outcome, i, t};
}

} // namespace

TEST_CASE("an execute learns the outcome of an entry applied before its answer arrived") {
  // A forwarded proposal: the leader's append (with its commit) overtook
  // the proposal_response, so the entry was applied before the index was
  // known.
  op_table t;
  t.add(1, op_kind::execute, {b("c")}, {100}, millis{1000}, 4);
  std::vector<completion> out;
  t.on_applied(5, 2, bytes{'r'});
  t.settle(out);
  REQUIRE(out.empty());
  t.on_proposal(ev(100, o::accepted, 5, 2), false);
  t.on_proposal(ev(100, o::committed, 5, 2), false);
  t.settle(out);
  REQUIRE(out.size() == 1);
  const auto& done = std::get<executed>(out[0]);
  CHECK(done.range == index_range{5, 5});
  REQUIRE(done.results.size() == 1);
  CHECK(*done.results[0] == bytes{'r'});
  CHECK(t.size() == 0);
}

TEST_CASE("a refusal waits for the other commands before deciding the code") {
  op_table t;
  t.add(1, op_kind::feed, {b("x"), b("y")}, {1, 2}, millis{1000}, 0);
  std::vector<completion> out;
  t.on_proposal(ev(1, o::no_leader), false);
  t.settle(out);
  CHECK(out.empty()); // the second may still have been sent
  t.on_proposal(ev(2, o::no_leader), false);
  t.settle(out);
  REQUIRE(out.size() == 1);
  const auto& f = std::get<failed>(out[0]).failure;
  CHECK(f.code == op_errc::no_leader);
  CHECK(f.unsent == std::vector<bytes>{b("x"), b("y")});
}

TEST_CASE("a refusal next to an accepted command is an unknown outcome") {
  op_table t;
  t.add(1, op_kind::execute, {b("x"), b("y")}, {1, 2}, millis{1000}, 0);
  std::vector<completion> out;
  t.on_proposal(ev(1, o::accepted, 3, 1), true);
  t.on_proposal(ev(2, o::dropped), true);
  t.settle(out);
  REQUIRE(out.size() == 1);
  const auto& f = std::get<failed>(out[0]).failure;
  CHECK(f.code == op_errc::leader_changed);
  CHECK_FALSE(is_definite(f.code));
  CHECK(f.unsent == std::vector<bytes>{b("y")});
}

TEST_CASE("a drop is rejected on the leader and offline on a follower") {
  op_table t;
  t.add(1, op_kind::feed, {b("x")}, {1}, millis{1000}, 0);
  t.add(2, op_kind::feed, {b("x")}, {2}, millis{1000}, 0);
  std::vector<completion> out;
  t.on_proposal(ev(1, o::dropped), true);
  t.on_proposal(ev(2, o::dropped), false);
  t.settle(out);
  REQUIRE(out.size() == 2);
  CHECK(std::get<failed>(out[0]).failure.code == op_errc::rejected);
  CHECK(std::get<failed>(out[1]).failure.code == op_errc::offline);
}

TEST_CASE("an unknown proposal outcome fails as timeout") {
  op_table t;
  t.add(1, op_kind::execute, {b("x")}, {1}, millis{1000}, 0);
  std::vector<completion> out;
  t.on_proposal(ev(1, o::unknown), false);
  t.settle(out);
  REQUIRE(out.size() == 1);
  CHECK(std::get<failed>(out[0]).failure.code == op_errc::timeout);
  CHECK(std::get<failed>(out[0]).failure.unsent.empty());
}

TEST_CASE("the deadline ends an operation and later events are ignored") {
  op_table t;
  t.add(1, op_kind::execute, {b("x")}, {1}, millis{1000}, 0);
  std::vector<completion> out;
  t.expire(millis{999}, out);
  CHECK(out.empty());
  t.expire(millis{1000}, out);
  REQUIRE(out.size() == 1);
  CHECK(std::get<failed>(out[0]).failure.code == op_errc::timeout);
  t.on_proposal(ev(1, o::committed, 1, 1), true);
  t.settle(out);
  CHECK(out.size() == 1);
}

TEST_CASE("closing with commands proposed is an unknown outcome, not a definite one") {
  op_table t;
  t.add(1, op_kind::execute, {b("x")}, {1}, millis{1000}, 0);
  t.add(2, op_kind::feed, {b("y"), b("z")}, {2, 3}, millis{1000}, 0);
  t.on_proposal(ev(2, o::accepted, 5, 1), false);
  std::vector<completion> out;
  t.fail_all(op_errc::closed, "the group is closed", out);
  REQUIRE(out.size() == 2);
  for (const auto& c : out) {
    const auto& f = std::get<failed>(c).failure;
    CHECK_FALSE(is_definite(f.code));
    CHECK(f.detail == "the group is closed");
    CHECK(f.unsent.empty());
  }
  CHECK(t.size() == 0);
}

TEST_CASE("closing keeps the definite code only for an operation with nothing sent") {
  op_table t;
  t.add(1, op_kind::feed, {b("x"), b("y")}, {1, 2}, millis{1000}, 0);
  t.add(2, op_kind::feed, {b("u"), b("v")}, {3, 4}, millis{1000}, 0);
  t.on_proposal(ev(1, o::no_leader), false);
  t.on_proposal(ev(2, o::no_leader), false);
  t.on_proposal(ev(3, o::no_leader), false);
  std::vector<completion> out;
  t.fail_all(op_errc::storage, "the disk is full", out);
  REQUIRE(out.size() == 2);
  const auto& nothing_sent = std::get<failed>(out[0]).failure;
  CHECK(nothing_sent.code == op_errc::storage);
  CHECK(nothing_sent.unsent == std::vector<bytes>{b("x"), b("y")});
  const auto& one_sent = std::get<failed>(out[1]).failure;
  CHECK(one_sent.code == op_errc::timeout); // v was proposed and never answered
  CHECK(one_sent.unsent == std::vector<bytes>{b("u")});
}
