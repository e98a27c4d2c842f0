// A full map (a tiny map size): a distinct error, nothing half-written, the
// store still usable, and a reopen with a larger map carries on.
#include "tests/support/store_fixture.hpp"

#include <limits>

using namespace mosaik;
using raft::storage_errc;
using test::store_fixture;

namespace {

constexpr auto no_limit = std::numeric_limits<std::size_t>::max();

std::vector<raft::entry> big_entries(raft::index_t lo, std::size_t n, raft::term_t term) {
  std::vector<raft::entry> out;
  for (std::size_t k = 0; k < n; ++k)
    out.push_back({lo + k, term, raft::entry_type::command,
                   bytes(1000, static_cast<std::uint8_t>(lo + k))});
  return out;
}

persistence::store_options tiny_map() {
  persistence::store_options o;
  o.map_size = 256 * 1024;
  o.max_groups = 2;
  return o;
}

/// Appends batches of 8 big entries until the map is full; returns the
/// error of the append that failed.
raft::storage_error fill(persistence::group_log_store& s) {
  for (int batch = 0; batch < 1000; ++batch) {
    auto r = s.append(big_entries(s.last_index() + 1, 8, 1));
    if (!r)
      return r.error();
  }
  FAIL("a 256 KiB map never filled up");
  return {};
}

} // namespace

TEST_CASE("full map: a distinct error that leaves the store as it was") {
  store_fixture f(tiny_map());
  auto other = f.node->open_group(group_id::from("other")).value();
  REQUIRE(other->append(big_entries(1, 1, 1)));
  auto err = fill(*f.store);
  CHECK(err.code == storage_errc::full);
  auto last = f.store->last_index();
  REQUIRE(last > 0);
  auto before = f.store->entries(1, last + 1, no_limit);
  REQUIRE(before);
  CHECK(before->size() == last);

  // A conflicting append that needs room fails without touching the tail.
  auto replace = f.store->append(big_entries(last - 3, 40, 2));
  REQUIRE_FALSE(replace);
  CHECK(replace.error().code == storage_errc::full);
  CHECK(f.store->last_index() == last);
  CHECK(*f.store->term(last) == 1);

  // So does a group commit: neither group changes.
  auto more = big_entries(last + 1, 40, 1);
  auto small = big_entries(2, 1, 1);
  std::vector<persistence::group_write> writes{
    {other.get(), small, raft::hard_state{1, std::nullopt, 2}},
    {f.store.get(), more, raft::hard_state{1, std::nullopt, last + 40}},
  };
  auto r = f.node->commit(writes);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == storage_errc::full);
  CHECK(other->last_index() == 1);
  CHECK(other->initial_hard_state() == raft::hard_state{});

  // Still usable: reads work and a write that frees room succeeds.
  CHECK(*f.store->entries(1, last + 1, no_limit) == *before);
  REQUIRE(f.store->truncate_suffix(last - 7));
  CHECK(f.store->last_index() == last - 8);

  // A restart with the same map returns exactly the committed state.
  other.reset();
  f.reopen();
  CHECK(f.store->last_index() == last - 8);
  CHECK(*f.store->entries(1, last - 7, no_limit)
        == std::vector<raft::entry>(before->begin(), before->end() - 8));
  CHECK(f.store->initial_hard_state() == raft::hard_state{});
}

TEST_CASE("full map: a restart with a larger map carries on") {
  store_fixture f(tiny_map());
  CHECK(fill(*f.store).code == storage_errc::full);
  auto last = f.store->last_index();
  f.close();
  f.options.map_size = 4 << 20;
  f.open();
  CHECK(f.store->last_index() == last);
  REQUIRE(f.store->append(big_entries(last + 1, 40, 2)));
  CHECK(f.store->last_index() == last + 40);
  f.reopen();
  CHECK(*f.store->term(last + 40) == 2);
  CHECK(f.store->entries(1, last + 41, no_limit)->size() == last + 40);
}
