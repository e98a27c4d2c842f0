// Every operation of the durable group store, the edge cases of the storage
// contract (actors/core/raft/storage.hpp), and a reopen after each.
#include "tests/support/store_fixture.hpp"

#include <limits>

using namespace mosaik;
using raft::storage_errc;
using test::make_entries;
using test::store_fixture;
using test::test_peer;

namespace {

constexpr auto no_limit = std::numeric_limits<std::size_t>::max();

/// Everything a store exposes, to compare before and after a reopen.
struct observed {
  raft::hard_state hs;
  raft::configuration config;
  raft::snapshot_metadata snap;
  raft::index_t first = 0;
  raft::index_t last = 0;
  std::vector<raft::entry> entries;
  std::vector<raft::term_t> terms; // snap.index..last

  friend bool operator==(const observed&, const observed&) = default;
};

observed observe(const persistence::group_log_store& s) {
  observed o{s.initial_hard_state(), s.initial_configuration(), s.snapshot(), s.first_index(),
             s.last_index(), {}, {}};
  auto all = s.entries(o.first, o.last + 1, no_limit);
  REQUIRE(all);
  o.entries = std::move(*all);
  for (auto i = o.snap.index; i <= o.last; ++i) {
    auto t = s.term(i);
    REQUIRE(t);
    o.terms.push_back(*t);
  }
  return o;
}

/// Reopens the store and checks that it returns exactly what it had.
void check_reopen(store_fixture& f) {
  auto before = observe(*f.store);
  f.reopen();
  CHECK(observe(*f.store) == before);
}

storage_errc code_of(const raft::storage_result<bool>& r) {
  REQUIRE_FALSE(r);
  return r.error().code;
}

raft::configuration three_voters() {
  return {{test_peer(1), test_peer(2), test_peer(3)}, {test_peer(4)}, digest::hash(as_bytes("boot"))};
}

} // namespace

TEST_CASE("group store: a new store is empty, as the contract says") {
  store_fixture f;
  auto& s = *f.store;
  CHECK(s.first_index() == 1);
  CHECK(s.last_index() == 0);
  CHECK(s.snapshot() == raft::snapshot_metadata{});
  CHECK(s.initial_hard_state() == raft::hard_state{});
  CHECK(s.initial_configuration() == raft::configuration{});
  REQUIRE(s.term(0));
  CHECK(*s.term(0) == 0);
  CHECK(s.term(1).error().code == storage_errc::unavailable);
  auto none = s.entries(1, 1, no_limit);
  REQUIRE(none);
  CHECK(none->empty());
  CHECK(s.entries(1, 2, no_limit).error().code == storage_errc::unavailable);
  check_reopen(f);
  CHECK(f.store->last_index() == 0);
}

TEST_CASE("group store: appended entries are read back, by range and by term") {
  store_fixture f;
  auto& s = *f.store;
  auto written = make_entries(1, 10, 1);
  written[4].type = raft::entry_type::noop;
  written[4].data.clear();
  written[7].type = raft::entry_type::config_change;
  REQUIRE(s.append(written));
  CHECK(s.first_index() == 1);
  CHECK(s.last_index() == 10);
  auto all = s.entries(1, 11, no_limit);
  REQUIRE(all);
  CHECK(*all == written);
  auto middle = s.entries(3, 6, no_limit);
  REQUIRE(middle);
  CHECK(*middle == std::vector<raft::entry>(written.begin() + 2, written.begin() + 5));
  for (raft::index_t i = 1; i <= 10; ++i)
    CHECK(*s.term(i) == 1);
  check_reopen(f);
}

TEST_CASE("group store: max_bytes returns at least one entry, then what fits") {
  store_fixture f;
  auto& s = *f.store;
  REQUIRE(s.append(make_entries(1, 20, 1))); // "e1".."e9": 2 bytes, "e10".. 3 bytes
  auto one = s.entries(1, 21, 0);
  REQUIRE(one);
  CHECK(one->size() == 1);
  auto exact = s.entries(1, 21, 6);
  REQUIRE(exact);
  CHECK(exact->size() == 3);
  auto under = s.entries(1, 21, 5);
  REQUIRE(under);
  CHECK(under->size() == 2);
  auto later = s.entries(10, 21, 7);
  REQUIRE(later);
  CHECK(later->size() == 2);
  CHECK(later->front().index == 10);
}

TEST_CASE("group store: out-of-range reads are compacted or unavailable") {
  store_fixture f;
  auto& s = *f.store;
  REQUIRE(s.append(make_entries(1, 10, 2)));
  REQUIRE(s.compact(4, 2, {}));
  CHECK(s.entries(3, 6, no_limit).error().code == storage_errc::compacted);
  CHECK(s.entries(4, 4, no_limit).error().code == storage_errc::compacted);
  CHECK(s.entries(5, 12, no_limit).error().code == storage_errc::unavailable);
  CHECK(s.entries(7, 6, no_limit).error().code == storage_errc::unavailable);
  CHECK(s.entries(11, 11, no_limit)->empty());
  CHECK(s.term(3).error().code == storage_errc::compacted);
  CHECK(s.term(11).error().code == storage_errc::unavailable);
  CHECK(*s.term(4) == 2);
}

TEST_CASE("group store: an append over the tail replaces the conflicting suffix") {
  store_fixture f;
  auto& s = *f.store;
  REQUIRE(s.append(make_entries(1, 10, 1)));
  REQUIRE(s.append(make_entries(6, 8, 2, "x")));
  CHECK(s.last_index() == 8);
  auto all = s.entries(1, 9, no_limit);
  REQUIRE(all);
  auto expected = make_entries(1, 5, 1);
  auto replaced = make_entries(6, 8, 2, "x");
  expected.insert(expected.end(), replaced.begin(), replaced.end());
  CHECK(*all == expected);
  CHECK(*s.term(8) == 2);
  CHECK(*s.term(5) == 1);
  check_reopen(f);
  // Replacing from the very first entry.
  REQUIRE(f.store->append(make_entries(1, 2, 3, "y")));
  CHECK(f.store->last_index() == 2);
  CHECK(*f.store->entries(1, 3, no_limit) == make_entries(1, 2, 3, "y"));
  check_reopen(f);
}

TEST_CASE("group store: a refused append changes nothing") {
  store_fixture f;
  auto& s = *f.store;
  REQUIRE(s.append(make_entries(1, 5, 1)));
  CHECK(code_of(s.append(make_entries(7, 8, 1))) == storage_errc::unavailable);
  auto gap = make_entries(6, 8, 1);
  gap.erase(gap.begin() + 1);
  CHECK(code_of(s.append(gap)) == storage_errc::io);
  REQUIRE(s.compact(3, 1, {}));
  CHECK(code_of(s.append(make_entries(3, 6, 2))) == storage_errc::compacted);
  CHECK(code_of(s.append(make_entries(2, 6, 2))) == storage_errc::compacted);
  REQUIRE(s.append({}));
  CHECK(s.last_index() == 5);
  CHECK(*s.entries(4, 6, no_limit) == make_entries(4, 5, 1));
  check_reopen(f);
}

TEST_CASE("group store: truncate a suffix, then append after it") {
  store_fixture f;
  auto& s = *f.store;
  REQUIRE(s.append(make_entries(1, 10, 1)));
  REQUIRE(s.truncate_suffix(7));
  CHECK(s.last_index() == 6);
  CHECK(*s.term(6) == 1);
  CHECK(s.term(7).error().code == storage_errc::unavailable);
  check_reopen(f);
  REQUIRE(f.store->truncate_suffix(20)); // beyond the end: nothing to do
  CHECK(f.store->last_index() == 6);
  REQUIRE(f.store->append(make_entries(7, 9, 2)));
  CHECK(*f.store->term(9) == 2);
  CHECK(*f.store->term(7) == 2);
  check_reopen(f);
  REQUIRE(f.store->truncate_suffix(1)); // everything
  CHECK(f.store->last_index() == 0);
  CHECK(*f.store->term(0) == 0);
  check_reopen(f);
}

TEST_CASE("group store: truncation stops at the snapshot") {
  store_fixture f;
  auto& s = *f.store;
  REQUIRE(s.append(make_entries(1, 10, 1)));
  REQUIRE(s.compact(5, 1, three_voters()));
  CHECK(code_of(s.truncate_suffix(5)) == storage_errc::compacted);
  REQUIRE(s.truncate_suffix(6)); // the whole log after the anchor
  CHECK(s.last_index() == 5);
  CHECK(*s.term(5) == 1);
  CHECK(s.entries(6, 6, no_limit)->empty());
  check_reopen(f);
}

TEST_CASE("group store: compact a prefix, then read and append") {
  store_fixture f;
  auto& s = *f.store;
  REQUIRE(s.append(make_entries(1, 10, 1)));
  REQUIRE(s.append(make_entries(11, 12, 2)));
  REQUIRE(s.compact(6, 1, three_voters()));
  CHECK(s.first_index() == 7);
  CHECK(s.last_index() == 12);
  CHECK(s.snapshot() == raft::snapshot_metadata{6, 1, three_voters()});
  CHECK(*s.term(6) == 1);
  CHECK(s.term(5).error().code == storage_errc::compacted);
  CHECK(*s.entries(7, 13, no_limit) == [] {
    auto e = make_entries(7, 10, 1);
    auto more = make_entries(11, 12, 2);
    e.insert(e.end(), more.begin(), more.end());
    return e;
  }());
  // The saved configuration is separate from the snapshot's.
  CHECK(s.initial_configuration() == raft::configuration{});
  check_reopen(f);
  auto& r = *f.store;
  CHECK(code_of(r.compact(6, 1, {})) == storage_errc::compacted);
  CHECK(code_of(r.compact(5, 1, {})) == storage_errc::compacted);
  CHECK(code_of(r.compact(13, 2, {})) == storage_errc::unavailable);
  CHECK(code_of(r.compact(8, 2, {})) == storage_errc::io); // entry 8 has term 1
  CHECK(r.first_index() == 7);
  REQUIRE(r.compact(12, 2, {})); // everything
  CHECK(r.first_index() == 13);
  CHECK(r.last_index() == 12);
  CHECK(*r.term(12) == 2);
  check_reopen(f);
  REQUIRE(f.store->append(make_entries(13, 14, 3)));
  CHECK(*f.store->entries(13, 15, no_limit) == make_entries(13, 14, 3));
  check_reopen(f);
}

TEST_CASE("group store: reset to a snapshot restarts the log after it") {
  store_fixture f;
  auto& s = *f.store;
  REQUIRE(s.append(make_entries(1, 10, 1)));
  raft::snapshot_metadata meta{100, 7, three_voters()};
  REQUIRE(s.reset_to_snapshot(meta));
  CHECK(s.snapshot() == meta);
  CHECK(s.first_index() == 101);
  CHECK(s.last_index() == 100);
  CHECK(*s.term(100) == 7);
  CHECK(s.term(10).error().code == storage_errc::compacted);
  CHECK(s.entries(101, 101, no_limit)->empty());
  check_reopen(f);
  auto& r = *f.store;
  CHECK(code_of(r.append(make_entries(100, 101, 7))) == storage_errc::compacted);
  REQUIRE(r.append(make_entries(101, 103, 8)));
  CHECK(*r.term(103) == 8);
  check_reopen(f);
  // An older snapshot is stale; the same anchor again discards the log.
  CHECK(code_of(f.store->reset_to_snapshot({99, 7, {}})) == storage_errc::compacted);
  REQUIRE(f.store->reset_to_snapshot(meta));
  CHECK(f.store->last_index() == 100);
  check_reopen(f);
}

TEST_CASE("group store: hard state and configuration survive a restart") {
  store_fixture f;
  raft::hard_state hs{5, test_peer(2), 3};
  REQUIRE(f.store->save_hard_state(hs));
  REQUIRE(f.store->save_configuration(three_voters()));
  check_reopen(f);
  CHECK(f.store->initial_hard_state() == hs);
  CHECK(f.store->initial_configuration() == three_voters());
  raft::hard_state no_vote{6, std::nullopt, 4};
  REQUIRE(f.store->save_hard_state(no_vote));
  check_reopen(f);
  CHECK(f.store->initial_hard_state() == no_vote);
}

TEST_CASE("group store: a configuration that breaks the rules is refused") {
  store_fixture f;
  auto& s = *f.store;
  REQUIRE(s.save_configuration(three_voters()));
  REQUIRE(s.append(make_entries(1, 3, 1)));
  raft::configuration overlapping{{test_peer(1), test_peer(2)}, {test_peer(2)}, {}};
  raft::configuration unsorted{{test_peer(2), test_peer(1)}, {}, {}};
  CHECK(code_of(s.save_configuration(overlapping)) == storage_errc::io);
  CHECK(code_of(s.compact(2, 1, unsorted)) == storage_errc::io);
  CHECK(code_of(s.reset_to_snapshot({10, 1, overlapping})) == storage_errc::io);
  CHECK(s.initial_configuration() == three_voters());
  CHECK(s.first_index() == 1);
  CHECK(s.last_index() == 3);
  check_reopen(f);
}

TEST_CASE("group store: snapshot chunks are stored, replaced, counted and cleared") {
  store_fixture f;
  auto& s = *f.store;
  CHECK(*s.snapshot_chunk_count() == 0);
  CHECK(s.snapshot_chunk(0).error().code == storage_errc::unavailable);
  for (std::uint64_t n = 0; n < 3; ++n)
    REQUIRE(s.put_snapshot_chunk({50, 2, n, bytes(1000 + n, static_cast<std::uint8_t>(n))}));
  REQUIRE(s.put_snapshot_chunk({50, 2, 1, bytes(10, 0xee)}));
  f.reopen();
  auto& r = *f.store;
  CHECK(*r.snapshot_chunk_count() == 3);
  CHECK(*r.snapshot_chunk(2) == raft::snapshot_chunk{50, 2, 2, bytes(1002, 2)});
  CHECK(*r.snapshot_chunk(1) == raft::snapshot_chunk{50, 2, 1, bytes(10, 0xee)});
  REQUIRE(r.clear_snapshot_chunks());
  CHECK(*r.snapshot_chunk_count() == 0);
  f.reopen();
  CHECK(*f.store->snapshot_chunk_count() == 0);
}

TEST_CASE("group store: an entry over the record cap is refused, not stored") {
  persistence::store_options options;
  options.limits.max_bytes = 4096;
  store_fixture f(options);
  auto big = make_entries(1, 2, 1);
  big[1].data.assign(5000, 0x42);
  CHECK(code_of(f.store->append(big)) == storage_errc::io);
  CHECK(f.store->last_index() == 0);
  CHECK(code_of(f.store->put_snapshot_chunk({1, 1, 0, bytes(5000, 1)})) == storage_errc::io);
  check_reopen(f);
}
