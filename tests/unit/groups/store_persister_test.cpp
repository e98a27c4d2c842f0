// store_persister over a memory_storage: order, syncing and failures.

#include "actors/core/groups/store_persister.hpp"
#include "actors/core/raft/memory_storage.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::groups;

namespace {

raft::ready ready_with(raft::index_t first, std::size_t n, raft::term_t term) {
  raft::ready rd;
  for (std::size_t k = 0; k < n; ++k)
    rd.entries.push_back({first + k, term, raft::entry_type::command, bytes{'c'}});
  rd.hard = raft::hard_state{term, std::nullopt, first + n - 1};
  rd.config = raft::configuration{};
  return rd;
}

} // namespace

TEST_CASE("store_persister writes entries hard state and configuration and syncs when asked") {
  raft::memory_storage store;
  std::size_t syncs = 0;
  store_persister p(store, [&] {
    ++syncs;
    store.sync();
  });
  REQUIRE(p.persist(ready_with(1, 3, 2)));
  CHECK(syncs == 1);
  CHECK(store.pending_writes() == 0);
  store.crash(); // nothing was left unsynced
  CHECK(store.last_index() == 3);
  CHECK(store.initial_hard_state() == raft::hard_state{2, std::nullopt, 3});
}

TEST_CASE("store_persister without a sync hook leaves durability to the caller") {
  raft::memory_storage store;
  store_persister p(store);
  REQUIRE(p.persist(ready_with(1, 2, 1)));
  CHECK(store.pending_writes() == 3); // append, hard state, configuration
  CHECK(store.last_index() == 2);     // readable before the sync
  store.crash(1);                     // the append landed, the rest did not
  CHECK(store.last_index() == 2);
  CHECK(store.initial_hard_state() == raft::hard_state{});
}

TEST_CASE("store_persister stops at the first failed write") {
  raft::memory_storage store;
  std::size_t syncs = 0;
  store_persister p(store, [&] { ++syncs; });
  auto r = p.persist(ready_with(5, 1, 1)); // a gap after an empty log
  REQUIRE_FALSE(r);
  CHECK(syncs == 0);
  CHECK(store.pending_writes() == 0);
  CHECK(store.initial_hard_state() == raft::hard_state{});
}
