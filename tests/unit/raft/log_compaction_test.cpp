// §7 (log compaction) of the Raft paper, one case per rule it states, on
// the core and its hand-off (raw_node.hpp): compaction is the caller's
// (it compacts applied entries in storage), snapshots travel by state sync.

#include "actors/core/raft/config_change.hpp"
#include "tests/unit/raft/lone_node.hpp"
#include "tests/unit/raft/test_cluster.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace mosaik;
using namespace mosaik::raft;
using testing::entries_of;
using testing::lone_node;
using testing::nid;
using testing::test_cluster;

namespace {

void compact_applied(test_cluster& c, std::uint8_t n) {
  auto& store = c.at(n).store;
  auto upto = c.node(n).applied();
  REQUIRE(store.compact(upto, *store.term(upto), *configuration_at(store, upto)));
}

std::size_t sent_to(const test_cluster& c, std::uint8_t n, std::size_t body) {
  return static_cast<std::size_t>(std::count_if(c.sent.begin(), c.sent.end(), [&](const auto& m) {
    return m.to == nid(n) && m.body.index() == body;
  }));
}

constexpr std::size_t append_kind = 0;   // message_body's alternatives
constexpr std::size_t snapshot_kind = 6;

/// A group of 3 in which node 3 missed five commands and the others
/// compacted everything they applied.
index_t leave_three_behind(test_cluster& c) {
  REQUIRE(c.form_group(3));
  c.isolate(3);
  for (std::uint64_t k = 0; k < 5; ++k)
    c.node(1).propose(k, bytes{static_cast<std::uint8_t>(k)});
  c.stabilize();
  compact_applied(c, 1);
  compact_applied(c, 2);
  c.heal();
  return c.node(1).applied();
}

} // namespace

TEST_CASE("§7: each server compacts on its own, and replication goes on as before") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  c.node(1).propose(1, bytes{1});
  c.stabilize();
  compact_applied(c, 2); // a follower compacts without the leader knowing
  c.sent.clear();
  c.node(1).propose(2, bytes{2});
  c.stabilize();
  c.tick_all(10);
  CHECK(c.node(2).committed() == c.node(1).committed());
  CHECK(c.at(2).applied.back().data == bytes{2});
  CHECK(sent_to(c, 2, snapshot_kind) == 0);
  CHECK_FALSE(c.at(2).snapshot_needed);
}

TEST_CASE("§7: the last included index and term serve the consistency check of the next append") {
  lone_node f(2);
  f.receive(1, 1, append_request{0, 0, entries_of(1, 1, 3), 3});
  REQUIRE(f.store.compact(3, 1, {}));
  f.receive(1, 2, append_request{3, 1, entries_of(2, 4, 4), 3});
  auto* ok = f.last_sent<append_response>();
  REQUIRE(ok);
  CHECK_FALSE(ok->reject);
  CHECK(ok->index == 4);
  // A previous term that differs from the snapshot's is a mismatch.
  f.receive(1, 2, append_request{3, 2, entries_of(2, 4, 4), 3});
  auto* no = f.last_sent<append_response>();
  REQUIRE(no);
  CHECK(no->reject);
}

TEST_CASE("§7: the snapshot carries the configuration as of its last included index") {
  test_cluster c(3);
  auto upto = leave_three_behind(c);
  c.tick_all(10);
  REQUIRE(c.at(3).snapshot_needed);
  auto meta = *c.at(3).snapshot_needed;
  CHECK(meta.index == upto);
  CHECK(meta.term == c.at(1).store.term(upto).value());
  CHECK(meta.config == configuration_at(c.at(1).store, upto).value());
}

TEST_CASE("§7: the leader sends a snapshot only when it discarded the next entry a follower needs") {
  test_cluster c(3);
  REQUIRE(c.form_group(3));
  c.isolate(3);
  auto three_has = c.node(3).status().last_index;
  for (std::uint64_t k = 0; k < 3; ++k)
    c.node(1).propose(k, bytes{1});
  c.stabilize();
  // Compacted up to what node 3 holds: its next entry is still there.
  auto& store = c.at(1).store;
  REQUIRE(store.compact(three_has, *store.term(three_has), *configuration_at(store, three_has)));
  c.heal();
  c.sent.clear();
  c.tick_all(10);
  CHECK(sent_to(c, 3, snapshot_kind) == 0);
  CHECK(c.node(3).committed() == c.node(1).committed());
}

TEST_CASE("§7: a follower behind the leader's compaction is sent a snapshot, not entries") {
  test_cluster c(3);
  leave_three_behind(c);
  c.sent.clear();
  c.tick_all(10);
  CHECK(sent_to(c, 3, snapshot_kind) >= 1);
  CHECK(c.at(3).snapshot_needed);
  CHECK(c.node(3).committed() < c.node(1).committed());
}

TEST_CASE("§7: a snapshot with new information supersedes the log, uncommitted conflicts included") {
  lone_node f(2);
  f.receive(1, 1, append_request{0, 0, entries_of(1, 1, 4), 2});
  // Entries 3 and 4 were never committed; the snapshot ends at (5, 2).
  snapshot_metadata meta{5, 2, configuration{{nid(1), nid(2), nid(3)}, {}, {}}};
  REQUIRE(f.node->install_snapshot(meta) == snapshot_install::restored);
  f.settle();
  CHECK(f.store.first_index() == 6);
  CHECK(f.store.term(5).value() == 2);
  CHECK_FALSE(f.store.term(4)); // compacted away with the conflicting entry
}

TEST_CASE("§7: a retransmitted snapshot that describes a prefix of the log keeps what follows") {
  lone_node f(2);
  snapshot_metadata meta{5, 1, configuration{{nid(1), nid(2), nid(3)}, {}, {}}};
  f.receive(1, 1, snapshot_request{meta});
  REQUIRE(f.node->install_snapshot(meta) == snapshot_install::restored);
  f.settle();
  f.receive(1, 1, append_request{5, 1, entries_of(1, 6, 7), 5});
  f.snapshot_needed.reset();
  // The network delivers the request again.
  f.receive(1, 1, snapshot_request{meta});
  CHECK_FALSE(f.snapshot_needed);
  CHECK(f.node->status().last_index == 7);
  CHECK(f.restored.size() == 1);
}

TEST_CASE("§7: while a follower fetches a snapshot, normal operation goes on") {
  test_cluster c(3);
  leave_three_behind(c);
  c.tick_all(10);
  REQUIRE(c.at(3).snapshot_needed);
  // Node 2 goes away: the leader keeps its term with node 3, which answers
  // heartbeats while its state sync runs (check-quorum stays satisfied).
  c.isolate(2);
  auto term = c.node(1).status().soft.term;
  c.tick_all(100);
  CHECK(c.leader() == 1);
  CHECK(c.node(1).status().soft.term == term);
  CHECK(c.node(3).status().soft.leader == nid(1));
}

TEST_CASE("§7: the leader waits for the snapshot, then offers it again after an election timeout") {
  test_cluster c(3);
  leave_three_behind(c);
  c.sent.clear();
  c.tick_all(1);
  REQUIRE(sent_to(c, 3, snapshot_kind) == 1);
  auto appends = sent_to(c, 3, append_kind);
  c.tick_all(10); // within an election timeout: no entries, no new offer
  CHECK(sent_to(c, 3, snapshot_kind) == 1);
  CHECK(sent_to(c, 3, append_kind) == appends);
  c.tick_all(30);
  CHECK(sent_to(c, 3, snapshot_kind) >= 2);
}

TEST_CASE("§7: once installed, the follower catches up from the snapshot by appends") {
  test_cluster c(3);
  auto upto = leave_three_behind(c);
  c.tick_all(10);
  REQUIRE(c.at(3).snapshot_needed);
  REQUIRE(c.node(3).install_snapshot(*c.at(3).snapshot_needed) == snapshot_install::restored);
  c.stabilize();
  c.node(1).propose(9, bytes{9});
  c.stabilize();
  c.tick_all(10);
  CHECK(c.node(3).committed() == c.node(1).committed());
  CHECK(c.at(3).store.snapshot().index == upto);
  CHECK(c.at(3).applied.back().data == bytes{9});
  CHECK(c.node(1).status().progress.at(nid(3)).match == c.node(1).status().last_index);
}
