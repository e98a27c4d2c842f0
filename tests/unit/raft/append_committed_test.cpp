// raw_node::append_committed, the entry point of state sync by log replay:
// committed entries fetched from other members enter the log only right
// after the local commit index, never replace a committed entry, and commit
// no further than the leader said.

#include "tests/unit/raft/lone_node.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::raft;
using testing::entries_of;
using testing::lone_node;
using testing::nid;

namespace {

/// Node 2, follower of node 1 in `term`, holding entries 1..last of that
/// term with `commit` committed.
lone_node follower(term_t term, index_t last, index_t commit) {
  lone_node f(2);
  f.receive(1, term, append_request{0, 0, entries_of(term, 1, last), commit});
  f.sent.clear();
  return f;
}

} // namespace

TEST_CASE("append_committed appends after the commit index, commits to the leader's bound and tells the leader") {
  auto f = follower(1, 3, 3);
  auto ents = entries_of(1, 4, 10);
  auto got = f.node->append_committed(ents, 8);
  f.settle();
  REQUIRE(got);
  CHECK(*got == 8); // min(leader's commit, last entry)
  CHECK(f.node->status().last_index == 10);
  CHECK(f.store.last_index() == 10); // persisted through the ready
  REQUIRE(f.applied.size() == 8);
  CHECK(f.applied.back().index == 8);
  REQUIRE(f.last_sent<append_response>());
  CHECK(f.sent.back().to == nid(1));
  CHECK(f.last_sent<append_response>()->index == 8);
  CHECK_FALSE(f.last_sent<append_response>()->reject);
}

TEST_CASE("append_committed refuses entries that leave a gap after the commit index") {
  // Entry 4 is held but not committed: it may not be the one 5 follows.
  auto f = follower(1, 6, 2);
  auto ents = entries_of(1, 5, 8);
  CHECK_FALSE(f.node->append_committed(ents, 8));
  f.settle();
  CHECK(f.node->status().last_index == 6);
  CHECK(f.node->committed() == 2);
}

TEST_CASE("append_committed never replaces a committed entry") {
  auto f = follower(2, 4, 4);
  auto ents = entries_of(1, 3, 6); // term 1 at 3 and 4, which are committed in term 2
  CHECK_FALSE(f.node->append_committed(ents, 6));
  f.settle();
  CHECK(f.node->status().last_index == 4);
  CHECK(f.node->committed() == 4);
}

TEST_CASE("append_committed replaces an uncommitted suffix and skips what it holds") {
  auto f = follower(1, 6, 3);
  // 4 matches, 5 and 6 were uncommitted entries of term 1 that term 2 replaced.
  auto ents = entries_of(1, 2, 4);
  auto later = entries_of(2, 5, 7);
  ents.insert(ents.end(), later.begin(), later.end());
  auto got = f.node->append_committed(ents, 7);
  f.settle();
  REQUIRE(got);
  CHECK(*got == 7);
  CHECK(*f.store.term(5) == 2);
  CHECK(f.store.last_index() == 7);
}
