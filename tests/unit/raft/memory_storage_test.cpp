#include "actors/core/raft/memory_storage.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::raft;

namespace {

std::vector<entry> ents(index_t from, std::vector<term_t> terms) {
  std::vector<entry> out;
  for (auto t : terms)
    out.push_back({from++, t, entry_type::command, bytes{static_cast<std::uint8_t>(t)}});
  return out;
}

} // namespace

TEST_CASE("memory_storage: an empty log has first 1, last 0 and term 0 at 0") {
  memory_storage s;
  CHECK(s.first_index() == 1);
  CHECK(s.last_index() == 0);
  REQUIRE(s.term(0));
  CHECK(*s.term(0) == 0);
  CHECK(s.term(1).error().code == storage_errc::unavailable);
}

TEST_CASE("memory_storage: append replaces the suffix and rejects gaps") {
  memory_storage s;
  REQUIRE(s.append(ents(1, {1, 1, 2})));
  REQUIRE(s.append(ents(3, {3, 3})));
  CHECK(s.last_index() == 4);
  CHECK(*s.term(3) == 3);
  auto gap = s.append(ents(6, {3}));
  REQUIRE_FALSE(gap);
  CHECK(gap.error().code == storage_errc::unavailable);
  CHECK(s.last_index() == 4);
}

TEST_CASE("memory_storage: entries honour bounds and the byte limit (at least one)") {
  memory_storage s;
  REQUIRE(s.append(ents(1, {1, 1, 1, 1})));
  CHECK(s.entries(1, 5, 100)->size() == 4);
  CHECK(s.entries(1, 5, 2)->size() == 2);
  CHECK(s.entries(1, 5, 0)->size() == 1);
  CHECK(s.entries(2, 7, 100).error().code == storage_errc::unavailable);
}

TEST_CASE("memory_storage: compaction moves the snapshot anchor") {
  memory_storage s;
  REQUIRE(s.append(ents(1, {1, 1, 2, 2})));
  configuration c{{peer_id{}}, {}, {}};
  REQUIRE(s.compact(2, 1, c));
  CHECK(s.first_index() == 3);
  CHECK(*s.term(2) == 1);
  CHECK(s.term(1).error().code == storage_errc::compacted);
  CHECK(s.entries(2, 4, 100).error().code == storage_errc::compacted);
  CHECK(s.snapshot().config == c);
  CHECK_FALSE(s.compact(3, 1, c)); // wrong term for entry 3
  CHECK_FALSE(s.compact(2, 1, c)); // already compacted
}

TEST_CASE("memory_storage: reset_to_snapshot discards the whole log") {
  memory_storage s;
  REQUIRE(s.append(ents(1, {1, 1})));
  REQUIRE(s.reset_to_snapshot({10, 3, {}}));
  CHECK(s.first_index() == 11);
  CHECK(s.last_index() == 10);
  CHECK(*s.term(10) == 3);
  REQUIRE(s.append(ents(11, {3})));
  CHECK(s.last_index() == 11);
}

TEST_CASE("memory_storage: a crash loses exactly the writes not synced") {
  memory_storage s;
  REQUIRE(s.append(ents(1, {1, 1})));
  REQUIRE(s.save_hard_state({1, std::nullopt, 1}));
  s.sync();
  REQUIRE(s.append(ents(3, {2})));
  REQUIRE(s.save_hard_state({2, std::nullopt, 2}));
  CHECK(s.pending_writes() == 2);
  CHECK(s.last_index() == 3); // reads see unsynced writes
  s.crash();
  CHECK(s.last_index() == 2);
  CHECK(s.initial_hard_state().term == 1);
  CHECK(s.pending_writes() == 0);
}

TEST_CASE("memory_storage: a crash can keep a prefix of the pending writes") {
  memory_storage s;
  REQUIRE(s.append(ents(1, {1})));
  REQUIRE(s.save_hard_state({1, std::nullopt, 1}));
  REQUIRE(s.append(ents(2, {1})));
  s.crash(2);
  CHECK(s.last_index() == 1);
  CHECK(s.initial_hard_state().commit == 1);
}

TEST_CASE("memory_storage: truncation and compaction survive sync, not crash") {
  memory_storage s;
  REQUIRE(s.append(ents(1, {1, 1, 1, 1})));
  s.sync();
  REQUIRE(s.truncate_suffix(3));
  REQUIRE(s.compact(1, 1, {}));
  s.sync();
  CHECK(s.first_index() == 2);
  CHECK(s.last_index() == 2);
  REQUIRE(s.truncate_suffix(2));
  s.crash();
  CHECK(s.last_index() == 2);
}
