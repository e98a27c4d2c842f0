// Inputs whose effect depends on when they arrive, each delivered late: vote
// answers after the term moved on, append answers after a compaction, read
// and proposal answers after a leader change or a timeout.

#include "actors/core/raft/config_change.hpp"
#include "tests/unit/raft/test_cluster.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace mosaik;
using namespace mosaik::raft;
using testing::nid;
using testing::test_cluster;

namespace {

term_t term_of(test_cluster& c, std::uint8_t n) {
  return c.node(n).status().soft.term;
}

role role_of(test_cluster& c, std::uint8_t n) {
  return c.node(n).status().soft.role;
}

void deliver(test_cluster& c, std::uint8_t from, std::uint8_t to, term_t term, message_body b) {
  c.node(to).step(message{nid(from), nid(to), term, c.node(from).lineage(), std::move(b)});
  c.stabilize();
}

/// Ticks node n alone until it has role r; false after `max` ticks.
bool tick_until(test_cluster& c, std::uint8_t n, role r, int max = 300) {
  for (int k = 0; k < max && role_of(c, n) != r; ++k)
    c.tick(n);
  return role_of(c, n) == r;
}

/// Isolates leader 1 and ticks 2 and 3 until one of them leads and has
/// committed in its term.
std::uint8_t elect_another(test_cluster& c) {
  c.isolate(1);
  for (int k = 0; k < 400; ++k) {
    c.tick(2);
    c.tick(3);
    for (std::uint8_t n : {2, 3})
      if (role_of(c, n) == role::leader && c.node(n).committed() == c.node(n).status().last_index)
        return n;
  }
  FAIL("no new leader");
  return 0;
}

/// Holds back every read answer in `answers` instead of delivering it.
void hold_read_answers(test_cluster& c, std::vector<message>& answers) {
  c.drop = [&answers](const message& m) {
    if (!std::holds_alternative<read_response>(m.body))
      return false;
    answers.push_back(m);
    return true;
  };
}

} // namespace

// -- votes ---------------------------------------------------------------------------

TEST_CASE("late: a pre-vote granted in an earlier round does not count in a later one") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  c.isolate(3);
  REQUIRE(tick_until(c, 3, role::pre_candidate));
  auto t = term_of(c, 3);
  // A grant for our own term answers a pre-vote we ran before it began.
  deliver(c, 2, 3, t, vote_response{true, true});
  CHECK(role_of(c, 3) == role::pre_candidate);
  CHECK(term_of(c, 3) == t);
  // A grant for the term we would campaign in counts.
  deliver(c, 2, 3, t + 1, vote_response{true, true});
  CHECK(role_of(c, 3) == role::candidate);
  CHECK(term_of(c, 3) == t + 1);
}

TEST_CASE("late: a vote from an earlier term never counts toward a newer campaign") {
  test_cluster c(3, [](config& cfg) { cfg.pre_vote = false; });
  REQUIRE(c.form_group(3));
  c.isolate(3);
  REQUIRE(tick_until(c, 3, role::candidate));
  auto first = term_of(c, 3);
  for (int k = 0; k < 300 && term_of(c, 3) == first; ++k)
    c.tick(3); // the campaign times out and starts again
  REQUIRE(term_of(c, 3) == first + 1);
  deliver(c, 2, 3, first, vote_response{false, true});
  CHECK(role_of(c, 3) == role::candidate);
  deliver(c, 2, 3, first + 1, vote_response{false, true});
  CHECK(role_of(c, 3) == role::leader);
}

TEST_CASE("late: votes arriving after the candidate won change nothing") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  auto t = term_of(c, 1);
  auto committed = c.node(1).committed();
  c.sent.clear();
  deliver(c, 2, 1, t, vote_response{false, true});
  deliver(c, 3, 1, t, vote_response{false, false});
  deliver(c, 3, 1, t, vote_response{true, false});
  CHECK(role_of(c, 1) == role::leader);
  CHECK(term_of(c, 1) == t);
  CHECK(c.node(1).committed() == committed);
  CHECK(c.sent.empty());
}

// -- append answers after a compaction ---------------------------------------------

TEST_CASE("late: a rejection for entries the leader compacted since leads to a snapshot") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  c.isolate(3);
  auto three_last = c.node(3).status().last_index;
  for (std::uint64_t k = 0; k < 5; ++k)
    c.node(1).propose(k, bytes{1});
  c.stabilize();
  auto& store = c.at(1).store;
  auto upto = c.node(1).applied();
  REQUIRE(store.compact(upto, *store.term(upto), *configuration_at(store, upto)));
  c.heal();
  c.sent.clear();
  // The answer to an append sent before the compaction arrives now.
  deliver(c, 3, 1, term_of(c, 1), append_response{three_last + 1, true, three_last, false});
  CHECK(c.at(1).errors.empty());
  CHECK(std::any_of(c.sent.begin(), c.sent.end(), [](const message& m) {
    return m.to == nid(3) && std::holds_alternative<snapshot_request>(m.body);
  }));
  CHECK(c.at(3).snapshot_needed);
}

TEST_CASE("late: an old acknowledgement never moves a follower's progress back") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  c.node(1).propose(1, bytes{1});
  c.stabilize();
  auto before = c.node(1).status().progress.at(nid(2));
  REQUIRE(before.match == c.node(1).status().last_index);
  deliver(c, 2, 1, term_of(c, 1), append_response{1, false, 0, false});
  deliver(c, 2, 1, term_of(c, 1), append_response{1, true, 1, false});
  auto after = c.node(1).status().progress.at(nid(2));
  CHECK(after.match == before.match);
  CHECK(after.next == before.next);
  CHECK(after.state == progress_state::replicate);
}

// -- reads and proposals answered after a leader change ----------------------------

TEST_CASE("late: a read index confirmed by a deposed leader still names a point inside the read") {
  test_cluster c(3, [](config& cfg) { cfg.ticks.forward_timeout = 10000; });
  REQUIRE(c.form_group(3));
  std::vector<message> answers;
  hold_read_answers(c, answers);
  c.node(2).read_index(7);
  c.stabilize();
  REQUIRE(answers.size() == 1);
  auto confirmed_at = std::get<read_response>(answers[0].body).index;
  c.drop = {};
  auto l = elect_another(c);
  c.node(l).propose(1, bytes{1});
  c.stabilize();
  // Leadership was confirmed after the read began, so that index is a
  // linearizable answer even though a later write committed since.
  c.node(2).step(answers[0]);
  c.stabilize();
  auto& reads = c.at(2).reads;
  REQUIRE(reads.size() == 1);
  CHECK(reads[0].outcome == read_outcome::ready);
  CHECK(reads[0].index == confirmed_at);
}

TEST_CASE("late: an answer to a read that already timed out is ignored") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  std::vector<message> answers;
  hold_read_answers(c, answers);
  c.node(2).read_index(7);
  c.stabilize();
  REQUIRE(answers.size() == 1);
  c.tick(2, c.at(2).cfg.ticks.forward_timeout);
  REQUIRE(c.at(2).reads.size() == 1);
  CHECK(c.at(2).reads[0].outcome == read_outcome::timeout);
  c.node(2).step(answers[0]);
  c.stabilize();
  CHECK(c.at(2).reads.size() == 1);
}

TEST_CASE("late: a forward accepted by a leader that lost its term ends leader_changed") {
  test_cluster c(3, [](config& cfg) { cfg.ticks.forward_timeout = 10000; });
  REQUIRE(c.form_group(3));
  std::vector<message> answers;
  // Leader 1 appends the forward, but neither its entries nor its answer
  // get through.
  c.drop = [&](const message& m) {
    if (m.from != nid(1))
      return false;
    if (std::holds_alternative<proposal_response>(m.body))
      answers.push_back(m);
    return std::holds_alternative<proposal_response>(m.body)
           || std::holds_alternative<append_request>(m.body);
  };
  c.node(2).propose(5, bytes{5});
  c.stabilize();
  REQUIRE(answers.size() == 1);
  const auto& accepted = std::get<proposal_response>(answers[0].body);
  REQUIRE(accepted.answer == forward_answer::accepted);
  c.drop = {};
  auto l = elect_another(c);
  REQUIRE(c.node(2).committed() >= accepted.index);
  REQUIRE(c.at(2).store.term(accepted.index).value() != accepted.term);
  c.node(2).step(answers[0]);
  c.stabilize();
  auto& events = c.at(2).proposals;
  REQUIRE_FALSE(events.empty());
  CHECK(events.back().id == 5);
  CHECK(events.back().outcome == proposal_outcome::leader_changed);
  CHECK(std::none_of(events.begin(), events.end(), [](const proposal_event& e) {
    return e.outcome == proposal_outcome::committed;
  }));
  CHECK(l != 1);
}
