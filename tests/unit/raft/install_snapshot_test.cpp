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

} // namespace

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
