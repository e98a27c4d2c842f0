// Paper-style cases for the Raft core: each names the rule it checks.

#include "actors/core/raft/config_change.hpp"
#include "tests/unit/raft/test_cluster.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace mosaik;
using namespace mosaik::raft;
using testing::nid;
using testing::test_cluster;

namespace {

bool has_outcome(const testing::test_node& t, std::uint64_t id, proposal_outcome o) {
  return std::any_of(t.proposals.begin(), t.proposals.end(),
                     [&](const auto& p) { return p.id == id && p.outcome == o; });
}

const proposal_event* find_outcome(const testing::test_node& t, std::uint64_t id,
                                   proposal_outcome o) {
  for (const auto& p : t.proposals)
    if (p.id == id && p.outcome == o)
      return &p;
  return nullptr;
}

const read_state* find_read(const testing::test_node& t, std::uint64_t id) {
  for (const auto& r : t.reads)
    if (r.id == id)
      return &r;
  return nullptr;
}

term_t term_of(test_cluster& c, std::uint8_t n) {
  return c.node(n).status().soft.term;
}

} // namespace

// -- bootstrap -------------------------------------------------------------------

TEST_CASE("bootstrap: a lone node leads after the bootstrap delay and commits a no-op") {
  test_cluster c(1);
  c.tick_all(29);
  CHECK_FALSE(c.leader());
  c.tick_all(1);
  REQUIRE(c.leader() == 1);
  auto& applied = c.at(1).applied;
  REQUIRE(applied.size() == 2);
  CHECK(applied[0].type == entry_type::config_change);
  CHECK(applied[1].type == entry_type::noop);
  CHECK(c.node(1).current_config().voters == std::vector{nid(1)});
  CHECK_FALSE(c.node(1).lineage().is_zero());
}

TEST_CASE("bootstrap: min_voters holds the first election until enough peers are known") {
  test_cluster c(1, [](config& cfg) { cfg.min_voters = 3; });
  c.tick_all(200);
  CHECK_FALSE(c.leader());
  c.node(1).peer_joined({nid(2), {}, false});
  c.node(1).peer_joined({nid(9), {}, true}); // observers do not count
  c.tick_all(1);
  CHECK_FALSE(c.leader());
  c.node(1).peer_joined({nid(3), {}, false});
  c.tick_all(1);
  CHECK(c.leader() == 1);
}

TEST_CASE("bootstrap: a node that knows a bootstrapped peer waits to be added") {
  test_cluster c(1);
  digest other_lineage = digest::from("someone else's group");
  c.node(1).peer_joined({nid(2), other_lineage, false});
  c.tick_all(300);
  CHECK_FALSE(c.leader());
}

TEST_CASE("bootstrap: lost messages never make a second node bootstrap") {
  test_cluster c(3);
  c.isolate(1); // node 1 bootstraps but reaches nobody; its bonds stay up
  c.tick_all(300);
  CHECK(c.node(1).status().soft.role == role::leader);
  CHECK(c.node(2).lineage().is_zero());
  CHECK(c.node(3).lineage().is_zero());
  c.heal();
  REQUIRE(c.form_group(3));
  CHECK(c.node(3).lineage() == c.node(1).lineage());
}

TEST_CASE("bootstrap: three fresh nodes form one group with one lineage") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  CHECK(c.leader() == 1);
  auto lineage = c.node(1).lineage();
  for (std::uint8_t n = 1; n <= 3; ++n) {
    CHECK(c.node(n).lineage() == lineage);
    CHECK(c.node(n).current_config().voters == std::vector{nid(1), nid(2), nid(3)});
  }
}

TEST_CASE("bootstrap: a normal node bootstraps before a reluctant one with a smaller id") {
  test_cluster c(3, [](config& cfg) {
    if (cfg.id == nid(1))
      cfg.preference = leadership::reluctant(4);
  });
  REQUIRE(c.form_group(3));
  CHECK(c.leader() == 2);
}

TEST_CASE("bootstrap: a lone reluctant node waits factor times the bootstrap delay") {
  test_cluster c(1, [](config& cfg) { cfg.preference = leadership::reluctant(4); });
  c.tick_all(4 * 30 - 1);
  CHECK_FALSE(c.leader());
  // A normal peer bonding meanwhile would take the lead; none does, so it
  // bootstraps on its own.
  c.tick_all(1);
  CHECK(c.leader() == 1);
}

TEST_CASE("bootstrap: a reluctant node defers to a normal peer that bonds during its wait") {
  test_cluster c(1, [](config& cfg) { cfg.preference = leadership::reluctant(4); });
  c.tick_all(100);
  c.node(1).peer_joined({nid(2), {}, false, false});
  c.tick_all(200);
  CHECK_FALSE(c.leader());
}

TEST_CASE("bootstrap: two groups that bootstrapped apart refuse to merge") {
  test_cluster c(2);
  c.cut(1, 2);
  // The bond between them breaks, so node 2 is the smallest it knows.
  c.node(1).peer_lost(nid(2));
  c.node(2).peer_lost(nid(1));
  c.tick_all(100);
  REQUIRE(c.node(1).status().soft.role == role::leader);
  REQUIRE(c.node(2).status().soft.role == role::leader);
  REQUIRE(c.node(1).lineage() != c.node(2).lineage());
  auto log1 = c.node(1).status().last_index;
  auto split = [](const testing::test_node& t) {
    return std::any_of(t.errors.begin(), t.errors.end(),
                       [](const auto& e) { return e.code == raft_errc::split_bootstrap; });
  };
  c.heal();
  // The bond re-forms. Node 1 hears of node 2 without its lineage (say the
  // handshake happened before node 2 bootstrapped): it adds node 2 and
  // writes to it, and node 2 refuses the foreign messages.
  c.node(1).peer_joined({nid(2), {}, false});
  c.tick_all(50);
  CHECK(split(c.at(2)));
  // A handshake that shows the other lineage is refused at once.
  c.node(1).peer_joined({nid(2), c.node(2).lineage(), false});
  c.stabilize();
  CHECK(split(c.at(1)));
  // Neither side took the other's entries or members.
  CHECK(c.node(1).status().last_index >= log1);
  CHECK(c.node(2).current_config().voters == std::vector{nid(2)});
  CHECK_FALSE(is_member(c.node(2).current_config(), nid(1)));
}

// -- elections (§5.2) ---------------------------------------------------------------

TEST_CASE("§5.2: when the leader is cut off, the others elect a leader in a later term") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  auto old_term = term_of(c, 1);
  c.isolate(1);
  c.tick_all(100);
  REQUIRE(c.node(2).status().soft.leader);
  auto leader = *c.node(2).status().soft.leader;
  CHECK(leader != nid(1));
  CHECK(term_of(c, 2) > old_term);
  c.heal();
  c.tick_all(10);
  CHECK(c.node(1).status().soft.role == role::follower);
  CHECK(c.node(1).status().soft.leader == leader);
}

TEST_CASE("§5.4.1: a node with a stale log cannot win an election") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  c.isolate(3);
  for (std::uint64_t k = 0; k < 3; ++k)
    c.node(1).propose(k, bytes{1});
  c.stabilize();
  auto committed = c.node(1).committed();
  CHECK(c.node(2).committed() == committed);
  // Now only 2 and 3 can talk: 3 is behind, so only 2 can win.
  c.heal();
  c.isolate(1);
  c.tick_all(200);
  CHECK(c.node(2).status().soft.role == role::leader);
  CHECK(c.node(3).status().soft.leader == nid(2));
  CHECK(c.node(3).committed() >= committed);
}

TEST_CASE("§5.4.2 (Figure 8): an old-term entry is not committed by counting replicas") {
  test_cluster c(3, [](config& cfg) { cfg.max_append_bytes = 0; }); // one entry per append
  REQUIRE(c.form_group(3));
  auto t1 = term_of(c, 1);
  // Leader 1 appends X in its term but nobody receives it.
  c.hold.insert(nid(1));
  c.node(1).propose(1, bytes{42});
  c.stabilize();
  c.hold.clear();
  c.held.clear();
  auto k = c.node(1).status().last_index;
  REQUIRE(c.node(2).status().last_index == k - 1);
  // 1 steps down (check-quorum), 3 stays away, and 1 wins the next term
  // with 2's vote: its log is more up-to-date.
  c.isolate(1);
  c.isolate(3);
  c.tick(1, 40);
  REQUIRE(c.node(1).status().soft.role == role::follower);
  c.heal();
  c.isolate(3);
  c.sent.clear();
  for (int i = 0; i < 200 && c.leader() != 1; ++i) {
    c.tick(2);
    c.tick(1);
  }
  REQUIRE(c.leader() == 1);
  REQUIRE(term_of(c, 1) > t1);
  // Every append the new leader sent before 2 acknowledged the no-op of the
  // new term (index k + 1) carries a commit index below k.
  bool noop_acked = false;
  for (const auto& m : c.sent) {
    if (auto* r = std::get_if<append_response>(&m.body); r && m.from == nid(2) && !r->reject
                                                         && r->index >= k + 1)
      noop_acked = true;
    if (auto* a = std::get_if<append_request>(&m.body); a && m.from == nid(1) && !noop_acked)
      CHECK(a->commit < k);
  }
  CHECK(noop_acked);
  CHECK(c.node(1).committed() >= k + 1);
  CHECK(c.node(2).committed() >= k + 1);
}

TEST_CASE("diss. §9.6: a partitioned node that rejoins does not disrupt the leader") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  auto t = term_of(c, 1);
  c.isolate(3);
  c.tick_all(300);
  CHECK(term_of(c, 3) == t); // pre-votes never raised its term
  c.heal();
  c.tick_all(10);
  CHECK(c.leader() == 1);
  CHECK(term_of(c, 1) == t);
}

TEST_CASE("diss. §6.2: a leader cut off from a majority steps down (check-quorum)") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  c.isolate(1);
  // The first check may still count answers from before the cut; the
  // second one, at most two election timeouts later, cannot.
  std::uint32_t ticks = 0;
  while (c.node(1).status().soft.role == role::leader && ticks < 100) {
    c.tick(1);
    ++ticks;
  }
  CHECK(c.node(1).status().soft.role == role::follower);
  CHECK(ticks > 0);
  CHECK(ticks <= 40);
}

TEST_CASE("§5.2: a vote survives a restart, so no second vote in that term") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  auto t = term_of(c, 3);
  auto lineage = c.node(3).lineage();
  auto last = c.node(3).status().last_index;
  auto ask = [&](std::uint8_t from, bool pre) {
    c.hold.insert(nid(3));
    c.held.clear();
    c.node(3).step({nid(from), nid(3), t + 5, lineage, vote_request{pre, last + 10, t + 1}});
    c.stabilize();
    c.hold.clear();
    for (const auto& m : c.held)
      if (auto* r = std::get_if<vote_response>(&m.body); r && m.to == nid(from))
        return r->granted;
    return false;
  };
  c.isolate(3);
  c.tick(3, 30); // out of the leader's lease
  CHECK(ask(1, true));  // a pre-vote records nothing
  CHECK(ask(2, false)); // the real vote for 2 in term t+5
  CHECK(ask(1, true) == false);
  c.crash(3);
  c.restart(3);
  c.isolate(3);
  c.tick(3, 30);
  CHECK(c.node(3).status().hard.vote == nid(2));
  CHECK_FALSE(ask(1, false));
  CHECK(ask(2, false)); // the same candidate again is fine
}

TEST_CASE("§5.2: a node holding none of the log never votes") {
  test_cluster c(1);
  c.hold.insert(nid(1));
  c.node(1).step({nid(2), nid(1), 3, digest::from("x"), vote_request{true, 5, 2}});
  c.node(1).step({nid(2), nid(1), 3, digest::from("x"), vote_request{false, 5, 2}});
  c.stabilize();
  std::size_t answers = 0;
  for (const auto& m : c.held) {
    if (auto* r = std::get_if<vote_response>(&m.body)) {
      ++answers;
      CHECK_FALSE(r->granted);
    }
  }
  CHECK(answers == 2);
  CHECK(c.node(1).status().hard.vote == std::nullopt);
}

TEST_CASE("§5.2: a node catching up from an empty log never campaigns on old configurations") {
  // Node 1 bootstrapped the group, so the configuration at index 1 lists it
  // as the only voter. It leaves, is removed, and comes back wiped under the
  // same identity (not supported, but it must not break safety): catching
  // up one entry at a time it holds just that prefix when its leader goes
  // away, and must not elect itself on it.
  test_cluster c(3, [](config& cfg) { cfg.max_append_bytes = 0; });
  REQUIRE(c.form_group(3));
  c.crash(1);
  for (std::uint8_t n = 2; n <= 3; ++n)
    c.node(n).peer_departed(nid(1));
  c.tick_all(100);
  REQUIRE(c.leader());
  auto leader = *c.leader();
  REQUIRE_FALSE(is_member(c.node(leader).current_config(), nid(1)));
  c.at(1).store = memory_storage{};
  c.restart(1);
  c.drop = [](const message& m) {
    // Let the first entry through, nothing after it.
    auto* a = std::get_if<append_request>(&m.body);
    return m.to == nid(1) && a && !a->entries.empty() && a->entries.front().index > 1;
  };
  for (std::uint8_t n = 2; n <= 3; ++n)
    c.node(n).peer_joined({nid(1), {}, false});
  c.tick_all(10);
  REQUIRE(c.node(1).status().last_index == 1);
  REQUIRE(is_voter(c.node(1).current_config(), nid(1)));
  c.isolate(leader);
  c.tick_all(300);
  CHECK(c.node(1).status().soft.role == role::follower);
  CHECK(c.node(1).status().hard.vote != nid(1));
}

TEST_CASE("leadership: a reluctant node campaigns after factor times the timeout") {
  test_cluster c(3, [](config& cfg) {
    if (cfg.id == nid(2))
      cfg.preference = leadership::reluctant(4);
  });
  REQUIRE(c.form_group(3));
  c.isolate(1);
  c.tick_all(60);
  CHECK(c.leader() == 3);
}

TEST_CASE("leadership: an observer is a learner that replicates but never votes or leads") {
  test_cluster c(4, [](config& cfg) {
    if (cfg.id == nid(4))
      cfg.preference = leadership::observer();
  });
  REQUIRE(c.form_group(3));
  c.tick_all(20);
  auto conf = c.node(1).current_config();
  CHECK(conf.voters.size() == 3);
  CHECK(conf.learners == std::vector{nid(4)});
  CHECK(c.node(4).applied() == c.node(1).committed());
  c.isolate(1);
  c.sent.clear();
  c.tick_all(300);
  for (const auto& m : c.sent) {
    CHECK_FALSE((std::holds_alternative<vote_request>(m.body) && m.from == nid(4)));
    if (auto* r = std::get_if<vote_response>(&m.body); r && m.from == nid(4))
      CHECK_FALSE(r->granted);
  }
  CHECK(c.node(4).status().soft.role == role::follower);
}

// -- proposals ----------------------------------------------------------------------

TEST_CASE("proposals: a follower's proposal is acknowledged with (index, term), then committed") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  c.node(2).propose(7, bytes{1, 2, 3});
  c.stabilize();
  auto* acked = find_outcome(c.at(2), 7, proposal_outcome::accepted);
  REQUIRE(acked);
  CHECK(acked->term == term_of(c, 1));
  auto* done = find_outcome(c.at(2), 7, proposal_outcome::committed);
  REQUIRE(done);
  CHECK(done->index == acked->index);
  for (std::uint8_t n = 1; n <= 3; ++n) {
    auto& applied = c.at(n).applied;
    auto it = std::find_if(applied.begin(), applied.end(),
                           [&](const entry& e) { return e.index == acked->index; });
    REQUIRE(it != applied.end());
    CHECK(it->data == bytes{1, 2, 3});
  }
}

TEST_CASE("proposals: without a leader a proposal fails at once with no_leader") {
  test_cluster c(3);
  c.node(2).propose(1, bytes{1});
  c.stabilize();
  CHECK(has_outcome(c.at(2), 1, proposal_outcome::no_leader));
}

TEST_CASE("proposals: an acknowledged entry replaced after a leader change fails definitely") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  // The leader acknowledges 2's proposal but its appends reach nobody.
  c.drop = [](const message& m) {
    return m.from == nid(1) && std::holds_alternative<append_request>(m.body);
  };
  c.node(2).propose(5, bytes{9});
  c.stabilize();
  REQUIRE(has_outcome(c.at(2), 5, proposal_outcome::accepted));
  c.drop = {};
  c.isolate(1);
  c.tick_all(100);
  REQUIRE(c.node(2).status().soft.leader);
  CHECK(*c.node(2).status().soft.leader != nid(1));
  CHECK(has_outcome(c.at(2), 5, proposal_outcome::leader_changed));
  CHECK_FALSE(has_outcome(c.at(2), 5, proposal_outcome::committed));
}

TEST_CASE("proposals: a forwarded proposal nobody answers ends with an unknown outcome") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  c.isolate(1);
  c.node(2).propose(3, bytes{1});
  c.tick(2, 19);
  CHECK_FALSE(has_outcome(c.at(2), 3, proposal_outcome::unknown));
  c.tick(2, 1);
  CHECK(has_outcome(c.at(2), 3, proposal_outcome::unknown));
}

TEST_CASE("proposals: a leader that stepped down cannot say a forward was never appended") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  c.isolate(1);
  c.tick(1, 40); // steps down in its term; 2 still believes 1 leads
  REQUIRE(c.node(1).status().soft.role == role::follower);
  c.heal();
  c.node(2).propose(4, bytes{1});
  c.stabilize();
  CHECK(has_outcome(c.at(2), 4, proposal_outcome::unknown));
  CHECK_FALSE(has_outcome(c.at(2), 4, proposal_outcome::dropped));
}

namespace {

// What `to` answers to a forwarded proposal meant for the leader of `term`.
forward_answer answer_to_forward(test_cluster& c, std::uint8_t to, term_t term,
                                 std::uint64_t id = 9) {
  c.hold.insert(nid(to));
  c.held.clear();
  c.node(to).step({nid(2), nid(to), 0, c.node(to).lineage(), forward_proposal{id, term, bytes{1}}});
  c.stabilize();
  c.hold.clear();
  for (const auto& m : c.held)
    if (auto* r = std::get_if<proposal_response>(&m.body); r && r->id == id)
      return r->answer;
  FAIL("no answer to the forwarded proposal");
  return forward_answer::accepted;
}

} // namespace

TEST_CASE("proposals: only a node that never led the term refuses a forward definitely") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  auto t = term_of(c, 1);
  CHECK(answer_to_forward(c, 3, t) == forward_answer::not_leader);     // never led term t
  CHECK(answer_to_forward(c, 3, t + 1) == forward_answer::not_leader); // not even there yet
  CHECK(answer_to_forward(c, 1, t - 1) == forward_answer::unknown);    // may have led t - 1
}

namespace {

/// The answers to forwarded proposals delivered to `to`, batched or not, in order.
std::vector<proposal_response> answers_to(const test_cluster& c, std::uint8_t to) {
  std::vector<proposal_response> out;
  for (const auto& m : c.sent) {
    if (m.to != nid(to))
      continue;
    if (auto* r = std::get_if<proposal_response>(&m.body))
      out.push_back(*r);
    if (auto* b = std::get_if<proposal_response_batch>(&m.body))
      out.insert(out.end(), b->responses.begin(), b->responses.end());
  }
  return out;
}

} // namespace

TEST_CASE("proposals: a forward the network duplicates is appended once") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  auto t = term_of(c, 1);
  auto before = c.node(1).status().last_index;
  message m{nid(2), nid(1), 0, c.node(1).lineage(), forward_proposal{77, t, bytes{5}}};
  c.node(1).step(m);
  c.node(1).step(m);
  c.stabilize();
  CHECK(c.node(1).status().last_index == before + 1);
  std::size_t answers = 0;
  for (const auto& r : answers_to(c, 2)) {
    if (r.id == 77) {
      ++answers;
      CHECK(r.answer == forward_answer::accepted);
      CHECK(r.index == before + 1);
    }
  }
  CHECK(answers == 2);
}

TEST_CASE("proposals: a leader takes a batch of forwards as each of them in turn") {
  test_cluster singles(3);
  test_cluster batched(3);
  REQUIRE(singles.form_group(3));
  REQUIRE(batched.form_group(3));
  auto t = term_of(singles, 1);
  REQUIRE(term_of(batched, 1) == t);
  auto before = singles.node(1).status().last_index;
  // A wrong term and a duplicate among them: each is answered as it would be alone.
  std::vector<forward_proposal> forwards{
    {70, t, bytes{1}}, {71, t + 1, bytes{2}}, {72, t, bytes{3}}, {70, t, bytes{1}}, {73, t, bytes{4}}};
  for (const auto& f : forwards)
    singles.node(1).step({nid(2), nid(1), 0, singles.node(1).lineage(), f});
  batched.node(1).step(
    {nid(2), nid(1), 0, batched.node(1).lineage(), forward_proposal_batch{forwards}});
  singles.stabilize();
  batched.stabilize();
  auto answers = answers_to(batched, 2);
  CHECK(answers == answers_to(singles, 2));
  REQUIRE(answers.size() == 5);
  CHECK(answers[0] == proposal_response{70, forward_answer::accepted, before + 1, t});
  CHECK(answers[1].answer == forward_answer::not_leader);
  CHECK(answers[2] == proposal_response{72, forward_answer::accepted, before + 2, t});
  CHECK(answers[3] == answers[0]);
  CHECK(answers[4] == proposal_response{73, forward_answer::accepted, before + 3, t});
  for (std::uint8_t n = 1; n <= 3; ++n) {
    CHECK(batched.node(n).status().last_index == before + 3);
    CHECK(batched.at(n).applied == singles.at(n).applied);
  }
}

TEST_CASE("proposals: a follower's proposals of one ready go as one batch and each commits") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  for (std::uint64_t id = 1; id <= 3; ++id)
    c.node(2).propose(id, bytes{static_cast<std::uint8_t>(id)});
  c.stabilize();
  std::size_t forwards = 0;
  std::size_t answer_messages = 0;
  for (const auto& m : c.sent) {
    if (auto* b = std::get_if<forward_proposal_batch>(&m.body)) {
      ++forwards;
      REQUIRE(b->proposals.size() == 3);
      CHECK(b->proposals[2].id == 3);
      CHECK(b->proposals[2].command == bytes{3});
    }
    CHECK_FALSE(std::holds_alternative<forward_proposal>(m.body));
    CHECK_FALSE(std::holds_alternative<proposal_response>(m.body));
    answer_messages += std::holds_alternative<proposal_response_batch>(m.body) ? 1 : 0;
  }
  CHECK(forwards == 1);
  CHECK(answer_messages == 1);
  for (std::uint64_t id = 1; id <= 3; ++id)
    CHECK(has_outcome(c.at(2), id, proposal_outcome::committed));
}

// -- reads (diss. §6.4) ---------------------------------------------------------------

TEST_CASE("ReadIndex: the leader serves a read only after a majority confirms it leads") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  c.isolate(1);
  c.node(1).read_index(1);
  c.stabilize();
  CHECK_FALSE(find_read(c.at(1), 1));
  c.heal();
  c.tick(1, 5); // the next heartbeat round
  auto* r = find_read(c.at(1), 1);
  REQUIRE(r);
  CHECK(r->outcome == read_outcome::ready);
  CHECK(r->index == c.node(1).committed());
}

TEST_CASE("ReadIndex: a leader cut off from the majority never serves the read") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  c.isolate(1);
  c.node(1).read_index(1);
  c.tick_all(100);
  auto* r = find_read(c.at(1), 1);
  REQUIRE(r);
  CHECK(r->outcome == read_outcome::dropped);
}

TEST_CASE("ReadIndex: a follower gets a confirmed read index from the leader") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  c.node(1).propose(1, bytes{1});
  c.stabilize();
  auto committed = c.node(1).committed();
  c.node(3).read_index(8);
  c.stabilize();
  auto* r = find_read(c.at(3), 8);
  REQUIRE(r);
  CHECK(r->outcome == read_outcome::ready);
  CHECK(r->index == committed);
}

TEST_CASE("ReadIndex: a follower without a leader fails the read at once") {
  test_cluster c(3);
  c.node(2).read_index(1);
  c.stabilize();
  REQUIRE(find_read(c.at(2), 1));
  CHECK(find_read(c.at(2), 1)->outcome == read_outcome::no_leader);
}

// -- membership (diss. §4) ------------------------------------------------------------

TEST_CASE("membership: a departed voter is removed at once") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  for (std::uint8_t n = 1; n <= 2; ++n)
    c.node(n).peer_departed(nid(3));
  c.crash(3);
  c.tick_all(3);
  CHECK(c.node(1).current_config().voters == std::vector{nid(1), nid(2)});
  CHECK(c.node(2).current_config().voters == std::vector{nid(1), nid(2)});
}

TEST_CASE("membership: a silent member is removed after member_timeout, not before") {
  test_cluster c(4, [](config& cfg) { cfg.ticks.member_timeout = 100; });
  REQUIRE(c.form_group(4));
  c.crash(4);
  c.tick_all(90);
  CHECK(c.node(1).current_config().voters.size() == 4);
  c.tick_all(20);
  CHECK(c.node(1).current_config().voters == std::vector{nid(1), nid(2), nid(3)});
  // It comes back: it is added again, as a learner first, then promoted.
  c.restart(4);
  for (std::uint8_t n = 1; n <= 3; ++n)
    c.node(n).peer_joined({nid(4), c.node(4).lineage(), false});
  REQUIRE(c.form_group(4));
}

TEST_CASE("membership: three voters never shrink to two by silence") {
  // Two voters would need both: one more failure, and the group is stuck.
  test_cluster c(3, [](config& cfg) { cfg.ticks.member_timeout = 100; });
  REQUIRE(c.form_group(3));
  c.crash(3);
  c.tick_all(300);
  CHECK(c.node(1).current_config().voters.size() == 3);
  CHECK(c.leader());
}

TEST_CASE("membership: a silent voter is replaced by a caught-up learner, then removed") {
  test_cluster c(4, [](config& cfg) {
    cfg.ticks.member_timeout = 100;
    cfg.max_voters = 3;
  });
  REQUIRE(c.form_group(3));
  c.tick_all(10);
  REQUIRE(c.node(1).current_config().learners == std::vector{nid(4)});
  c.crash(3);
  for (std::uint8_t n : {1, 2, 4})
    c.node(n).peer_lost(nid(3)); // its bonds break
  c.tick_all(150);
  CHECK(c.node(1).current_config().voters == std::vector{nid(1), nid(2), nid(4)});
  CHECK(c.node(1).current_config().learners.empty());
}

TEST_CASE("membership: no change of voters the new configuration could not commit") {
  // 3 departs while 2 has just gone quiet: removing 3 makes {1, 2} the
  // configuration in force, which needs 2, and could wedge the group. Wait
  // until 2 answers again (etcd's strict reconfiguration check).
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  REQUIRE(c.leader() == 1);
  c.isolate(2);
  c.tick_all(12); // 2 quiet for more than two heartbeats
  c.node(1).peer_departed(nid(3));
  c.crash(3);
  c.tick_all(5);
  REQUIRE(c.leader() == 1);
  CHECK(c.node(1).current_config().voters.size() == 3);
  c.heal();
  c.tick_all(5);
  CHECK(c.node(1).current_config().voters == std::vector{nid(1), nid(2)});
}

TEST_CASE("membership: a departed voter never counts as answering") {
  // 2 has been silent for member_timeout when 3 departs. Removing 2 would
  // leave {1, 3}, which needs the departed 3; removing 3 leaves {1, 2},
  // which needs the silent 2. Neither may happen until 2 answers again.
  test_cluster c(3, [](config& cfg) { cfg.ticks.member_timeout = 100; });
  REQUIRE(c.form_group(3));
  REQUIRE(c.leader() == 1);
  c.isolate(2);
  c.tick_all(99);
  for (std::uint8_t n = 1; n <= 2; ++n)
    c.node(n).peer_departed(nid(3));
  c.crash(3);
  c.tick_all(5);
  CHECK(c.node(1).current_config().voters.size() == 3);
  c.heal();
  c.tick_all(100);
  REQUIRE(c.leader());
  CHECK(c.node(*c.leader()).current_config().voters == std::vector{nid(1), nid(2)});
}

TEST_CASE("membership: learners beyond max_voters stay learners") {
  test_cluster c(5, [](config& cfg) { cfg.max_voters = 3; });
  REQUIRE(c.form_group(3));
  c.tick_all(20);
  CHECK(c.node(1).current_config().voters.size() == 3);
  CHECK(c.node(1).current_config().learners.size() == 2);
}

TEST_CASE("membership: quorum is a majority of the configured voters, not of the connected") {
  test_cluster c(5);
  REQUIRE(c.form_group(5));
  c.isolate(4);
  c.isolate(5);
  c.isolate(3);
  // Two of five voters cannot commit, whatever they can reach.
  auto before = c.node(1).committed();
  c.node(1).propose(1, bytes{1});
  c.tick_all(10);
  CHECK(c.node(1).committed() == before);
}

// -- snapshots ----------------------------------------------------------------------

TEST_CASE("snapshots: a follower behind the leader's compaction installs state and catches up") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  c.isolate(3);
  for (std::uint64_t k = 0; k < 5; ++k)
    c.node(1).propose(k, bytes{static_cast<std::uint8_t>(k)});
  c.stabilize();
  auto upto = c.node(1).applied();
  for (std::uint8_t n = 1; n <= 2; ++n) {
    auto& store = c.at(n).store;
    REQUIRE(store.compact(upto, *store.term(upto), *configuration_at(store, upto)));
  }
  c.heal();
  c.tick_all(10);
  REQUIRE(c.at(3).snapshot_needed);
  auto meta = *c.at(3).snapshot_needed;
  CHECK(meta.index == upto);
  CHECK(meta.config.voters.size() == 3);
  CHECK(c.node(3).install_snapshot(meta) == snapshot_install::restored);
  c.stabilize();
  c.tick_all(10);
  CHECK(c.node(3).committed() == c.node(1).committed());
  CHECK(c.at(3).store.snapshot().index == upto);
  CHECK(c.node(3).lineage() == c.node(1).lineage());
}

TEST_CASE("restart: a restarted node re-applies committed entries after its applied index") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  c.node(1).propose(1, bytes{5});
  c.stabilize();
  auto committed = c.node(2).committed();
  c.crash(2);
  c.restart(2);
  c.stabilize();
  CHECK(c.node(2).committed() == committed);
  CHECK(c.at(2).applied.size() == committed);
  CHECK(c.at(2).applied.back().data == bytes{5});
}

// -- status --------------------------------------------------------------------------

TEST_CASE("status: a leader reports each follower's match, next, state and appends in flight") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  auto last = c.node(1).status().last_index;
  auto progress = c.node(1).status().progress;
  REQUIRE(progress.size() == 2);
  CHECK_FALSE(progress.contains(nid(1)));
  for (std::uint8_t n : {2, 3}) {
    const auto& p = progress.at(nid(n));
    CHECK(p.match == last);
    CHECK(p.next == last + 1);
    CHECK(p.state == progress_state::replicate);
    CHECK(p.in_flight == 0);
  }
  CHECK(c.node(2).status().progress.empty());

  // Appends to a cut-off follower stay in flight.
  c.isolate(3);
  c.node(1).propose(1, bytes{1});
  c.node(1).propose(2, bytes{2});
  c.stabilize();
  progress = c.node(1).status().progress;
  CHECK(progress.at(nid(2)).match == last + 2);
  CHECK(progress.at(nid(3)).match == last);
  CHECK(progress.at(nid(3)).next == last + 3);
  CHECK(progress.at(nid(3)).in_flight == 2);

  // Behind the leader's compaction, it waits for a snapshot.
  auto& store = c.at(1).store;
  auto upto = c.node(1).applied();
  REQUIRE(store.compact(upto, *store.term(upto), *configuration_at(store, upto)));
  c.heal();
  c.tick_all(10);
  auto waiting = c.node(1).status().progress.at(nid(3));
  CHECK(waiting.state == progress_state::snapshot);
  CHECK(waiting.pending_snapshot == upto);
  CHECK(to_string(waiting.state) == "snapshot");
}
