// One environment per node: groups side by side, group commit, and the
// rules of opening.
#include "tests/support/store_fixture.hpp"

#include <limits>

using namespace mosaik;
using raft::storage_errc;
using test::make_entries;
using test::store_fixture;
using test::test_peer;

namespace {

constexpr auto no_limit = std::numeric_limits<std::size_t>::max();

} // namespace

TEST_CASE("node store: groups in one environment are independent") {
  store_fixture f;
  auto other = f.node->open_group(group_id::from("other"));
  REQUIRE(other);
  REQUIRE(f.store->append(make_entries(1, 5, 1, "a")));
  REQUIRE((*other)->append(make_entries(1, 3, 4, "b")));
  REQUIRE((*other)->save_hard_state({4, test_peer(1), 2}));
  CHECK(f.store->last_index() == 5);
  CHECK(f.store->initial_hard_state() == raft::hard_state{});
  other->reset();
  f.reopen();
  auto again = f.node->open_group(group_id::from("other"));
  REQUIRE(again);
  CHECK(*(*again)->entries(1, 4, no_limit) == make_entries(1, 3, 4, "b"));
  CHECK((*again)->initial_hard_state() == raft::hard_state{4, test_peer(1), 2});
  CHECK(*f.store->entries(1, 6, no_limit) == make_entries(1, 5, 1, "a"));
}

TEST_CASE("node store: a group or a directory is open at most once") {
  store_fixture f;
  auto twice = f.node->open_group(f.group);
  REQUIRE_FALSE(twice);
  CHECK(twice.error().code == storage_errc::io);
  auto second_env = persistence::node_store::open(f.dir.path());
  REQUIRE_FALSE(second_env);
  CHECK(second_env.error().code == storage_errc::io);
  f.store.reset();
  CHECK(f.node->open_group(f.group));
}

TEST_CASE("node store: group commit writes many groups in one transaction") {
  store_fixture f;
  auto other = f.node->open_group(group_id::from("other")).value();
  auto a = make_entries(1, 4, 1, "a");
  auto b = make_entries(1, 2, 3, "b");
  std::vector<persistence::group_write> writes{
    {f.store.get(), a, raft::hard_state{1, test_peer(7), 2}},
    {other.get(), b, std::nullopt},
  };
  REQUIRE(f.node->commit(writes));
  CHECK(f.store->last_index() == 4);
  CHECK(other->last_index() == 2);
  CHECK(f.store->initial_hard_state() == raft::hard_state{1, test_peer(7), 2});
  other.reset();
  f.reopen();
  other = f.node->open_group(group_id::from("other")).value();
  CHECK(*f.store->entries(1, 5, no_limit) == a);
  CHECK(*other->entries(1, 3, no_limit) == b);
  CHECK(f.store->initial_hard_state() == raft::hard_state{1, test_peer(7), 2});
}

TEST_CASE("node store: a group commit with one bad group writes nothing") {
  store_fixture f;
  auto other = f.node->open_group(group_id::from("other")).value();
  auto a = make_entries(1, 4, 1);
  auto hole = make_entries(3, 4, 1); // other is empty: index 3 leaves a hole
  std::vector<persistence::group_write> writes{
    {f.store.get(), a, raft::hard_state{1, std::nullopt, 4}},
    {other.get(), hole, raft::hard_state{1, std::nullopt, 4}},
  };
  auto r = f.node->commit(writes);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == storage_errc::unavailable);
  CHECK(f.store->last_index() == 0);
  CHECK(f.store->initial_hard_state() == raft::hard_state{});
  other.reset();
  f.reopen();
  CHECK(f.store->last_index() == 0);
  CHECK(f.store->initial_hard_state() == raft::hard_state{});
}

TEST_CASE("node store: one group twice in a group commit applies in order") {
  store_fixture f;
  auto first = make_entries(1, 5, 1);
  auto conflict = make_entries(4, 6, 2, "x");
  std::vector<persistence::group_write> writes{
    {f.store.get(), first, raft::hard_state{1, std::nullopt, 3}},
    {f.store.get(), conflict, raft::hard_state{2, std::nullopt, 5}},
  };
  REQUIRE(f.node->commit(writes));
  CHECK(f.store->last_index() == 6);
  CHECK(*f.store->term(3) == 1);
  CHECK(*f.store->term(4) == 2);
  CHECK(f.store->initial_hard_state().commit == 5);
  f.reopen();
  CHECK(f.store->last_index() == 6);
  CHECK(*f.store->entries(4, 7, no_limit) == conflict);
}

TEST_CASE("node store: a store from another node is refused in a group commit") {
  store_fixture f;
  store_fixture g;
  auto e = make_entries(1, 1, 1);
  std::vector<persistence::group_write> writes{{g.store.get(), e, std::nullopt}};
  auto r = f.node->commit(writes);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == storage_errc::io);
  CHECK(g.store->last_index() == 0);
}

TEST_CASE("node store: a group commit writes a snapshot reset and a configuration with the entries") {
  store_fixture f;
  REQUIRE(f.store->append(make_entries(1, 3, 1, "old")));
  raft::configuration conf{{test_peer(1), test_peer(2)}, {test_peer(3)}, digest::from("lineage")};
  raft::snapshot_metadata snap{5, 2, conf};
  auto after = make_entries(6, 7, 2, "new");
  std::vector<persistence::group_write> writes{
    {f.store.get(), after, raft::hard_state{2, test_peer(1), 6}, snap, conf},
  };
  REQUIRE(f.node->commit(writes));
  f.reopen();
  CHECK(f.store->snapshot() == snap);
  CHECK(f.store->first_index() == 6);
  CHECK(f.store->last_index() == 7);
  CHECK(*f.store->entries(6, 8, no_limit) == after);
  CHECK(f.store->initial_configuration() == conf);
  CHECK(f.store->initial_hard_state() == raft::hard_state{2, test_peer(1), 6});
}
