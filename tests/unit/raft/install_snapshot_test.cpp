// Figure 13 (InstallSnapshot RPC), receiver implementation, one case per
// rule, on the hand-off of raw_node.hpp: the leader asks for a position, the
// caller fetches the state through state sync (chunks are its business) and
// calls install_snapshot, possibly much later.

#include "tests/unit/raft/lone_node.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::raft;
using testing::entries_of;
using testing::lone_node;
using testing::nid;

namespace {

snapshot_metadata at(index_t index, term_t term) {
  return {index, term, configuration{{nid(1), nid(2), nid(3)}, {}, {}}};
}

/// Node 2, follower of node 1 in `term`, holding entries 1..last of that
/// term with `commit` committed.
lone_node follower(term_t term, index_t last, index_t commit) {
  lone_node f(2);
  f.receive(1, term, append_request{0, 0, entries_of(term, 1, last), commit});
  return f;
}

} // namespace

TEST_CASE("Figure 13 rule 1: a snapshot request from an older term is answered, not fetched") {
  auto f = follower(3, 2, 1);
  f.receive(3, 2, snapshot_request{at(5, 2)});
  CHECK_FALSE(f.snapshot_needed);
  REQUIRE(f.last_sent<append_response>());
  // The reply carries our term, so the stale leader updates itself.
  CHECK(f.sent.back().to == nid(3));
  CHECK(f.sent.back().term == 3);
  CHECK(f.node->status().soft.leader == nid(1));
}

TEST_CASE("Figure 13 results: a newer term's snapshot request makes us its follower") {
  auto f = follower(1, 2, 1);
  f.receive(3, 5, snapshot_request{at(9, 4)});
  CHECK(f.node->status().soft.term == 5);
  CHECK(f.node->status().soft.leader == nid(3));
  CHECK(f.snapshot_needed == at(9, 4));
}

TEST_CASE("Figure 13 rules 2 to 4: the core names the position and changes nothing until the state is whole") {
  auto f = follower(1, 2, 1);
  f.receive(1, 1, snapshot_request{at(7, 1)});
  // Chunks are state sync's business: the core hands out the position
  // (index, term and configuration) exactly as the leader sent it ...
  REQUIRE(f.snapshot_needed);
  CHECK(*f.snapshot_needed == at(7, 1));
  // ... and its log, commit index and state machine wait for the call.
  CHECK(f.node->status().last_index == 2);
  CHECK(f.node->committed() == 1);
  CHECK(f.restored.empty());
  CHECK(f.store.first_index() == 1);
}

TEST_CASE("Figure 13 rule 5: the newest request wins and an older snapshot after a newer one is refused") {
  auto f = follower(1, 2, 1);
  f.node->step({nid(1), nid(2), 1, {}, snapshot_request{at(5, 1)}});
  f.node->step({nid(1), nid(2), 1, {}, snapshot_request{at(8, 1)}});
  f.settle();
  CHECK(f.snapshot_needed == at(8, 1));
  CHECK(f.node->install_snapshot(at(8, 1)) == snapshot_install::restored);
  f.settle();
  // The older fetch finishes last: it is discarded.
  CHECK(f.node->install_snapshot(at(5, 1)) == snapshot_install::refused);
  f.settle();
  CHECK(f.restored.size() == 1);
  CHECK(f.store.snapshot().index == 8);
  CHECK(f.node->committed() == 8);
}

TEST_CASE("Figure 13 rule 6: a late snapshot the log already holds keeps the entries after it") {
  // issue 11's minimal case: node 2 acknowledged entries 1..3, then state
  // sync for an older request finishes at (2, 1).
  lone_node f(2);
  f.receive(1, 1, append_request{0, 0, entries_of(1, 1, 3), 1});
  auto* ack = f.last_sent<append_response>();
  REQUIRE(ack);
  REQUIRE(ack->index == 3);
  CHECK(f.node->install_snapshot(at(2, 1)) == snapshot_install::advanced_commit);
  f.settle();
  CHECK(f.node->status().last_index == 3);
  CHECK(f.node->committed() == 2);
  CHECK(f.store.last_index() == 3);
  CHECK(f.restored.empty());
}

TEST_CASE("Figure 13 rule 6: a request for a prefix of the log only advances the commit index") {
  auto f = follower(1, 3, 1);
  f.receive(1, 1, snapshot_request{at(2, 1)});
  CHECK_FALSE(f.snapshot_needed);
  CHECK(f.node->committed() == 2);
  CHECK(f.node->status().last_index == 3);
  auto* ack = f.last_sent<append_response>();
  REQUIRE(ack);
  CHECK_FALSE(ack->reject);
  CHECK(ack->index == 2);
}

TEST_CASE("Figure 13 rule 6: the kept entries are applied from the own log, in order") {
  auto f = follower(1, 3, 1);
  REQUIRE(f.node->install_snapshot(at(2, 1)) == snapshot_install::advanced_commit);
  f.settle();
  // The leader's later commit reaches entry 3 without resending it.
  f.receive(1, 1, heartbeat_request{3, 0});
  CHECK(f.node->committed() == 3);
  REQUIRE(f.applied.size() == 3);
  for (index_t i = 1; i <= 3; ++i)
    CHECK(f.applied[i - 1] == entries_of(1, i, i).front());
}

TEST_CASE("Figure 13 rule 7: a snapshot whose last entry conflicts with the log discards all of it") {
  auto f = follower(1, 4, 1);
  CHECK(f.node->install_snapshot(at(3, 2)) == snapshot_install::restored);
  f.settle();
  CHECK(f.node->status().last_index == 3);
  CHECK(f.store.first_index() == 4);
  CHECK(f.store.term(3).value() == 2);
  CHECK(f.store.last_index() == 3); // entry 4, of the old term, is gone too
}

TEST_CASE("Figure 13 rule 7: a snapshot beyond the end of the log discards all of it") {
  auto f = follower(1, 2, 1);
  CHECK(f.node->install_snapshot(at(6, 1)) == snapshot_install::restored);
  f.settle();
  CHECK(f.store.first_index() == 7);
  CHECK(f.store.last_index() == 6);
}

TEST_CASE("Figure 13 rule 8: the state machine restarts from the snapshot with its configuration") {
  auto f = follower(1, 2, 1);
  auto meta = at(6, 1);
  meta.config.lineage = digest::from("group");
  REQUIRE(f.node->install_snapshot(meta) == snapshot_install::restored);
  f.settle();
  // The ready carries the snapshot: the caller replaces its state machine.
  REQUIRE(f.restored.size() == 1);
  CHECK(f.restored.front() == meta);
  CHECK(f.node->committed() == 6);
  CHECK(f.node->applied() == 6);
  CHECK(f.node->current_config() == meta.config);
  CHECK(f.node->lineage() == meta.config.lineage);
  // Entries after it are applied on top; nothing before it is handed out.
  std::size_t before = f.applied.size();
  f.receive(1, 1, append_request{6, 1, entries_of(1, 7, 8), 8});
  REQUIRE(f.applied.size() == before + 2);
  CHECK(f.applied[before].index == 7);
  CHECK(f.applied[before + 1].index == 8);
}

TEST_CASE("hand-off: a fetch refused late still tells the leader the commit index") {
  auto f = follower(1, 4, 4);
  f.sent.clear();
  CHECK(f.node->install_snapshot(at(3, 1)) == snapshot_install::refused);
  f.settle();
  auto* ack = f.last_sent<append_response>();
  REQUIRE(ack);
  CHECK(ack->index == 4);
  CHECK(f.node->status().last_index == 4);
}

TEST_CASE("hand-off: a fetch that finishes after the term moved on is decided on the log as it is") {
  auto f = follower(1, 2, 1);
  f.receive(1, 1, snapshot_request{at(5, 1)});
  REQUIRE(f.snapshot_needed);
  // Meanwhile a leader of term 2 replicated entries 3..6, but its commit
  // index has not reached us.
  auto newer = entries_of(1, 3, 5);
  newer.push_back(entries_of(2, 6, 6).front());
  f.receive(3, 2, append_request{2, 1, newer, 1});
  CHECK(f.node->install_snapshot(*f.snapshot_needed) == snapshot_install::advanced_commit);
  f.settle();
  CHECK(f.node->committed() == 5);
  CHECK(f.node->status().last_index == 6);
  // The acknowledgement goes to the leader of our term now.
  CHECK(f.sent.back().to == nid(3));
  CHECK(f.sent.back().term == 2);
}

TEST_CASE("hand-off: a late restore ends a campaign run on the log it replaces") {
  testing::test_cluster c(3, [](config& cfg) { cfg.pre_vote = false; });
  REQUIRE(c.form_group(3));
  c.isolate(3);
  for (int k = 0; k < 300 && c.node(3).status().soft.role != role::candidate; ++k)
    c.tick(3);
  REQUIRE(c.node(3).status().soft.role == role::candidate);
  auto term = c.node(3).status().soft.term;
  auto meta = at(c.node(3).status().last_index + 5, term - 1);
  meta.config = c.node(3).current_config();
  CHECK(c.node(3).install_snapshot(meta) == snapshot_install::restored);
  c.stabilize();
  CHECK(c.node(3).status().soft.role == role::follower);
  CHECK(c.node(3).status().soft.term == term);
  // A grant for the campaign arriving now does not make it leader.
  c.node(3).step({nid(2), nid(3), term, c.node(3).lineage(), vote_response{false, true}});
  c.stabilize();
  CHECK(c.node(3).status().soft.role == role::follower);
}

// -- issue 11 end to end ---------------------------------------------------------------

namespace {

/// Holds back the commit index `from` tells `to` at `commit`.
std::function<void(message&)> hold_commit(std::uint8_t from, std::uint8_t to, index_t commit) {
  return [=](message& m) {
    if (m.from != nid(from) || m.to != nid(to))
      return;
    if (auto* a = std::get_if<append_request>(&m.body))
      a->commit = std::min(a->commit, commit);
    if (auto* h = std::get_if<heartbeat_request>(&m.body))
      h->commit = std::min(h->commit, commit);
  };
}

} // namespace

TEST_CASE("issue 11: a state sync that finishes late never erases a committed command") {
  testing::test_cluster c(3);
  REQUIRE(c.form_group(3));
  auto base = c.node(1).committed();
  // 1. Leader 1 commits X with node 2's help; 2 never hears that it did.
  c.isolate(3);
  c.rewrite = hold_commit(1, 2, base);
  c.node(1).propose(1, bytes{'X'});
  c.stabilize();
  REQUIRE(c.node(1).committed() == base + 1);
  REQUIRE(c.node(2).committed() == base);
  auto& store1 = c.at(1).store;
  REQUIRE(store1.compact(base + 1, *store1.term(base + 1), *configuration_at(store1, base + 1)));
  // 2. Node 3 comes back and is told to fetch the snapshot at base + 1.
  c.heal();
  for (int k = 0; k < 50 && !c.at(3).snapshot_needed; ++k)
    c.tick(1);
  REQUIRE(c.at(3).snapshot_needed);
  auto meta = *c.at(3).snapshot_needed;
  REQUIRE(meta.index == base + 1);
  // 3. Node 1 goes away; node 2 leads and commits C with node 3, whose
  //    commit index stays behind.
  c.isolate(1);
  c.tick(1, 50); // it steps down (check-quorum)
  REQUIRE(c.node(1).status().soft.role != role::leader);
  c.rewrite = hold_commit(2, 3, base);
  for (int k = 0; k < 300 && c.leader() != 2; ++k) {
    c.tick(2);
    c.tick(3);
  }
  REQUIRE(c.leader() == 2);
  c.node(2).propose(2, bytes{'C'});
  c.stabilize();
  auto& applied2 = c.at(2).applied;
  REQUIRE(applied2.back().data == bytes{'C'});
  auto command = applied2.back();
  REQUIRE(c.node(3).committed() < meta.index);
  REQUIRE(c.node(3).status().last_index == command.index);
  // 4. Node 3's state sync finishes now.
  CHECK(c.node(3).install_snapshot(meta) == snapshot_install::advanced_commit);
  c.stabilize();
  CHECK(c.node(3).status().last_index == command.index);
  // 5. Node 2 crashes; 1 and 3 elect a leader, which commits D.
  c.crash(2);
  c.rewrite = {};
  c.heal();
  for (int k = 0; k < 300 && !c.leader(); ++k)
    c.tick_all(1);
  REQUIRE(c.leader() == 3); // the only one holding C
  auto l = *c.leader();
  c.node(l).propose(3, bytes{'D'});
  c.stabilize();
  c.tick_all(10);
  for (std::uint8_t n : {1, 3}) {
    auto at_c = c.at(n).store.entries(command.index, command.index + 1, ~std::size_t{0});
    REQUIRE(at_c);
    REQUIRE(at_c->size() == 1);
    CHECK(at_c->front() == command);
    CHECK(c.node(n).committed() > command.index);
  }
}
