#include "actors/core/raft/config_change.hpp"
#include "actors/core/raft/memory_storage.hpp"
#include "actors/core/raft/progress.hpp"
#include "actors/core/raft/quorum.hpp"
#include "actors/core/raft/raft_log.hpp"
#include "tests/support/aborts.hpp"
#include "tests/unit/raft/test_cluster.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::raft;
using testing::nid;

namespace {

std::vector<entry> ents(index_t from, std::vector<term_t> terms) {
  std::vector<entry> out;
  for (auto t : terms)
    out.push_back({from++, t, entry_type::command, {}});
  return out;
}

} // namespace

TEST_CASE("raft_log: maybe_append follows the log matching rules of §5.3") {
  memory_storage s;
  REQUIRE(s.append(ents(1, {1, 2, 3})));
  raft_log log(s);
  CHECK(log.last_index() == 3);

  SUBCASE("a mismatching prev entry is rejected") {
    CHECK_FALSE(log.maybe_append(3, 2, 3, ents(4, {4})));
    CHECK_FALSE(log.maybe_append(4, 3, 3, ents(5, {4})));
  }
  SUBCASE("entries already present change nothing") {
    auto r = log.maybe_append(1, 1, 0, ents(2, {2, 3}));
    REQUIRE(r);
    CHECK(r->last_new == 3);
    CHECK(r->replaced_from == 0);
    CHECK(log.pending().entries().empty());
  }
  SUBCASE("a conflict replaces the suffix from the conflicting entry") {
    auto r = log.maybe_append(1, 1, 0, ents(2, {2, 4, 4}));
    REQUIRE(r);
    CHECK(r->replaced_from == 3);
    CHECK(log.last_index() == 4);
    CHECK(*log.term(3) == 4);
  }
  SUBCASE("commit is min(leader commit, last new entry)") {
    auto r = log.maybe_append(1, 1, 10, ents(2, {2}));
    REQUIRE(r);
    CHECK(log.committed() == 2);
  }
  SUBCASE("a committed entry is never replaced") {
    log.commit_to(3);
    CHECK_FALSE(log.maybe_append(1, 1, 3, ents(2, {5})));
    CHECK(*log.term(2) == 2);
  }
}

TEST_CASE("raft_log: up-to-date compares last term, then length (§5.4.1)") {
  memory_storage s;
  REQUIRE(s.append(ents(1, {1, 2, 2})));
  raft_log log(s);
  CHECK(log.is_up_to_date(1, 3));
  CHECK(log.is_up_to_date(3, 2));
  CHECK(log.is_up_to_date(4, 2));
  CHECK_FALSE(log.is_up_to_date(2, 2));
  CHECK_FALSE(log.is_up_to_date(10, 1));
}

TEST_CASE("raft_log: slices span storage and unstable entries under a byte limit") {
  memory_storage s;
  std::vector<entry> stored{{1, 1, entry_type::command, bytes(10)}, {2, 1, entry_type::command, bytes(10)}};
  REQUIRE(s.append(stored));
  raft_log log(s);
  entry e{3, 2, entry_type::command, bytes(10)};
  log.append(std::span<const entry>(&e, 1));
  CHECK(log.slice(1, 4, 100)->size() == 3);
  CHECK(log.slice(1, 4, 15)->size() == 1);
  CHECK(log.slice(2, 4, 25)->size() == 2);
  CHECK(log.slice(3, 4, 0)->size() == 1);
}

TEST_CASE("raft_log: the commit index never decreases") {
  memory_storage s;
  REQUIRE(s.append(ents(1, {1, 1})));
  raft_log log(s);
  log.commit_to(2);
  CHECK(log.committed() == 2);
  log.commit_to(1);
  CHECK(log.committed() == 2);
}

TEST_CASE("raft_log: committing past the log's end stops the process with the values") {
  memory_storage s;
  REQUIRE(s.append(ents(1, {1, 1})));
  raft_log log(s);
  auto died = test::abort_message([&] { log.commit_to(5); });
  REQUIRE(died);
  CHECK(died->find("commit_to(5) is out of range [last index 2]") != std::string::npos);
  CHECK_FALSE(test::abort_message([&] { log.commit_to(2); }));
}

TEST_CASE("raft_log: applying beyond the commit index or going back stops the process") {
  memory_storage s;
  REQUIRE(s.append(ents(1, {1, 1, 1})));
  raft_log log(s);
  log.commit_to(2);
  auto beyond = test::abort_message([&] { log.applied_to(3); });
  REQUIRE(beyond);
  CHECK(beyond->find("applied_to(3) is out of range [applied 0, committed 2]")
        != std::string::npos);
  log.applied_to(2);
  auto back = test::abort_message([&] { log.applied_to(1); });
  REQUIRE(back);
  CHECK(back->find("applied_to(1) is out of range [applied 2, committed 2]") != std::string::npos);
  CHECK_FALSE(test::abort_message([&] { log.applied_to(2); }));
}

TEST_CASE("quorum: commit index is what a majority holds") {
  CHECK(quorum_value({}) == 0);
  CHECK(quorum_value({5}) == 5);
  CHECK(quorum_value({5, 1}) == 1);
  CHECK(quorum_value({5, 3, 1}) == 3);
  CHECK(quorum_value({1, 9, 9, 2, 5}) == 5);
  CHECK(tally(3, 2, 0) == vote_result::won);
  CHECK(tally(3, 1, 1) == vote_result::pending);
  CHECK(tally(3, 1, 2) == vote_result::lost);
  CHECK(tally(4, 2, 1) == vote_result::pending);
  CHECK(tally(4, 2, 2) == vote_result::lost);
}

TEST_CASE("progress: probe sends one at a time, replicate is bounded in flight") {
  progress p(5, 0, 2);
  CHECK_FALSE(p.is_paused());
  p.sent_entries(7);
  CHECK(p.is_paused());
  CHECK(p.maybe_update(7));
  p.become_replicate();
  CHECK(p.next == 8);
  p.sent_entries(9);
  p.sent_entries(10);
  CHECK(p.is_paused());
  CHECK(p.maybe_update(9));
  CHECK_FALSE(p.is_paused());
  CHECK_FALSE(p.maybe_update(8));
}

TEST_CASE("progress: stale rejections are ignored, fresh ones skip back to the hint") {
  progress p(10, 0, 4);
  CHECK_FALSE(p.maybe_decrease_to(5, 3)); // not the append we sent
  CHECK(p.maybe_decrease_to(9, 3));
  CHECK(p.next == 4);
  p.match = 3;
  p.become_replicate();
  CHECK_FALSE(p.maybe_decrease_to(2, 0));
  CHECK(p.maybe_decrease_to(6, 4));
  CHECK(p.next == 4);
}

TEST_CASE("config changes: encoding round-trips and bad payloads are rejected") {
  config_change c{change_kind::bootstrap, nid(3)};
  c.nonce.fill(7);
  CHECK(decode_config_change(encode(c)) == c);
  config_change r{change_kind::remove, nid(4)};
  CHECK(decode_config_change(encode(r)) == r);
  auto bad = encode(r);
  bad.push_back(0);
  CHECK_FALSE(decode_config_change(bad));
  bad = encode(r);
  bad[0] = 9;
  CHECK_FALSE(decode_config_change(bad));
  CHECK_FALSE(decode_config_change({}));
}

TEST_CASE("config changes: applied deterministically, invalid ones change nothing") {
  auto change = [](change_kind k, std::uint8_t n, index_t i) {
    config_change c{k, nid(n)};
    return entry{i, 1, entry_type::config_change, encode(c)};
  };
  configuration c;
  c = apply_entry(c, change(change_kind::bootstrap, 1, 1));
  CHECK(c.voters == std::vector{nid(1)});
  CHECK_FALSE(c.lineage.is_zero());
  auto lineage = c.lineage;
  CHECK(apply_entry(c, change(change_kind::bootstrap, 2, 2)) == c); // only once
  c = apply_entry(c, change(change_kind::add_learner, 2, 2));
  CHECK(is_learner(c, nid(2)));
  CHECK(apply_entry(c, change(change_kind::promote, 3, 3)) == c); // not a learner
  c = apply_entry(c, change(change_kind::promote, 2, 3));
  CHECK(c.voters == std::vector{nid(1), nid(2)});
  c = apply_entry(c, change(change_kind::demote, 1, 4));
  CHECK(c.voters == std::vector{nid(2)});
  CHECK(is_learner(c, nid(1)));
  c = apply_entry(c, change(change_kind::remove, 1, 5));
  CHECK_FALSE(is_member(c, nid(1)));
  CHECK(c.lineage == lineage);
}

TEST_CASE("config changes: configuration_at replays changes after the snapshot") {
  memory_storage s;
  config_change b{change_kind::bootstrap, nid(1)};
  config_change a{change_kind::add_learner, nid(2)};
  std::vector<entry> log{{1, 1, entry_type::config_change, encode(b)},
                         {2, 1, entry_type::noop, {}},
                         {3, 1, entry_type::config_change, encode(a)}};
  REQUIRE(s.append(log));
  CHECK(configuration_at(s, 2)->voters == std::vector{nid(1)});
  CHECK(configuration_at(s, 3)->learners == std::vector{nid(2)});
  REQUIRE(s.compact(2, 1, *configuration_at(s, 2)));
  CHECK(configuration_at(s, 3)->learners == std::vector{nid(2)});
  CHECK(configuration_at(s, 1).error().code == storage_errc::compacted);
}

TEST_CASE("config: durations round up to whole ticks") {
  auto t = ticks_for(timeouts{}, std::chrono::milliseconds(100));
  CHECK(t.heartbeat == 5);
  CHECK(t.election == 20);
  CHECK(t.election_jitter == 5);
  CHECK(t.bootstrap_delay == 30);
  auto coarse = ticks_for(timeouts{}, std::chrono::milliseconds(300));
  CHECK(coarse.heartbeat == 2);
  CHECK(coarse.election == 7);
}
