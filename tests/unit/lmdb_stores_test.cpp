// The LMDB store provider's group commit: several groups' writes in one
// transaction, durable across a reopen, and a failing write that fails
// alone.
#include "actors/groups/lmdb_stores.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::groups;

namespace {

durable_write entries_from(raft::index_t first, raft::index_t last) {
  durable_write w;
  for (auto i = first; i <= last; ++i)
    w.entries.push_back(raft::entry{i, 1, raft::entry_type::command, bytes{1, 2}});
  w.hard = raft::hard_state{1, std::nullopt, last};
  return w;
}

} // namespace

TEST_CASE("lmdb_stores commits several groups' writes at once, and they survive a reopen") {
  test::temp_dir dir("lmdb-stores");
  {
    auto stores = lmdb_stores::open(dir.path()).value();
    auto a = stores->open(group_id::from("a")).value();
    auto b = stores->open(group_id::from("b")).value();
    auto wa = entries_from(1, 3), wb = entries_from(1, 1);
    std::vector<store_write> writes{{a.get(), &wa}, {b.get(), &wb}};
    auto results = stores->commit(writes);
    REQUIRE(results.size() == 2);
    CHECK(results[0]);
    CHECK(results[1]);
    CHECK(a->storage().last_index() == 3);
    CHECK(b->storage().last_index() == 1);
  }
  auto stores = lmdb_stores::open(dir.path()).value();
  auto a = stores->open(group_id::from("a")).value();
  auto b = stores->open(group_id::from("b")).value();
  CHECK(a->storage().last_index() == 3);
  CHECK(a->storage().initial_hard_state().commit == 3);
  CHECK(b->storage().last_index() == 1);
}

TEST_CASE("lmdb_stores fails only the write that cannot be made") {
  test::temp_dir dir("lmdb-stores");
  auto stores = lmdb_stores::open(dir.path()).value();
  auto a = stores->open(group_id::from("a")).value();
  auto b = stores->open(group_id::from("b")).value();
  auto c = stores->open(group_id::from("c")).value();
  auto wa = entries_from(1, 2), gap = entries_from(5, 6), wc = entries_from(1, 1);
  std::vector<store_write> writes{{a.get(), &wa}, {b.get(), &gap}, {c.get(), &wc}};
  auto results = stores->commit(writes);
  REQUIRE(results.size() == 3);
  CHECK(results[0]);
  REQUIRE_FALSE(results[1]);
  CHECK_FALSE(results[1].error().detail.empty());
  CHECK(results[2]);
  CHECK(a->storage().last_index() == 2);
  CHECK(b->storage().last_index() == 0);
  CHECK(c->storage().last_index() == 1);
}
