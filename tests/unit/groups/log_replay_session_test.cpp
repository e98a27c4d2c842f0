// The session of log replay on its own: how it splits the gap, whom it
// asks, what it does on timeouts and bad batches, how much it holds, and
// that it hands every index out once, in order.

#include "tests/unit/groups/sync_fixtures.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::groups;
using namespace mosaik::groups::testing;

namespace {

const peer_id leader = pid(1);
const peer_id a = pid(2);
const peer_id b = pid(3);

log_anchor anchor_at(raft::index_t i) { return {i, term_of(i)}; }

} // namespace

TEST_CASE("log replay asks every bonded peer and splits the gap over the responders, one fetch each") {
  session_rig r(small_batches(), {leader, a, b}, anchor_at(1000));
  CHECK(r.asks_to(leader) == 1);
  CHECK(r.asks_to(a) == 1);
  CHECK(r.asks_to(b) == 1);
  r.holds(leader, {1, 1200});
  r.holds(a, {1, 1200});
  r.holds(b, {1, 1200});
  auto fa = r.take_fetches(a);
  auto fb = r.take_fetches(b);
  REQUIRE(fa.size() == 1);
  REQUIRE(fb.size() == 1);
  CHECK(r.take_fetches(leader).empty()); // others hold the range
  // Disjoint chunks of batch_size from the commit index on.
  CHECK(fa[0] == index_range{1, 100});
  CHECK(fb[0] == index_range{101, 200});
  r.answer(b, fb[0]);
  CHECK(r.handed.empty()); // 101.. waits for 1..100
  auto next_b = r.take_fetches(b);
  REQUIRE(next_b.size() == 1); // b is idle again: the next chunk
  CHECK(next_b[0] == index_range{201, 300});
  CHECK(r.take_fetches(a).empty()); // a still has one in flight
}

TEST_CASE("log replay gives the leader only what no one else holds") {
  session_rig r(small_batches(), {leader, a}, anchor_at(300));
  r.holds(leader, {1, 300});
  r.holds(a, {1, 50});
  auto fa = r.take_fetches(a);
  auto fl = r.take_fetches(leader);
  REQUIRE(fa.size() == 1);
  CHECK(fa[0] == index_range{1, 50}); // a's chunk ends where its log does
  REQUIRE(fl.size() == 1);
  CHECK(fl[0] == index_range{51, 150});
  r.answer(a, fa[0]);
  r.answer(leader, fl[0]);
  CHECK(r.s.stats().entries_from_leader == 100);
  CHECK(r.s.stats().entries_fetched == 150);
  CHECK(r.handed.size() == 150);
  CHECK(r.handed_in_order(1));
}

TEST_CASE("log replay gives a timed-out chunk to another peer and asks the silent one again") {
  session_rig r(small_batches(), {leader, a, b}, anchor_at(300));
  r.holds(leader, {1, 300});
  r.holds(a, {1, 300});
  r.holds(b, {1, 300});
  auto fa = r.take_fetches(a);
  auto fb = r.take_fetches(b);
  REQUIRE(fa == std::vector<index_range>{{1, 100}});
  REQUIRE(fb == std::vector<index_range>{{101, 200}});
  r.advance(millis{200});
  r.answer(b, fb[0]);
  REQUIRE(r.take_fetches(b) == std::vector<index_range>{{201, 300}});
  auto asks = r.asks_to(a);
  r.advance(millis{300}); // a never answers
  CHECK(r.s.stats().fetch_timeouts == 1);
  CHECK(r.asks_to(a) == asks + 1);
  CHECK(r.take_fetches(leader).empty()); // b holds 1..100, busy: it waits for b
  r.answer(b, {201, 300});
  REQUIRE(r.take_fetches(b) == std::vector<index_range>{{1, 100}});
  r.answer(b, {1, 100});
  r.answer(a, fa[0]); // late: already fetched elsewhere
  CHECK(r.handed.size() == 300);
  CHECK(r.handed_in_order(1));
  CHECK(r.s.done());
}

TEST_CASE("log replay discards a batch that contradicts the leader's position and fetches it elsewhere") {
  session_rig r(small_batches(300), {leader, a, b}, anchor_at(300));
  r.holds(a, {1, 300});
  REQUIRE(r.take_fetches(a) == std::vector<index_range>{{1, 300}});
  r.holds(b, {1, 300});
  CHECK(r.take_fetches(b).empty()); // nothing left to ask for
  // Well formed (terms never go back, none above the leader's), but 251..300
  // are of term 1 where the leader has term 2 at 300: another history.
  fetch_response forged{{1, 300}, {}};
  for (raft::index_t i = 1; i <= 300; ++i)
    forged.entries.push_back({i, 1, raft::entry_type::command, bytes(1, 0)});
  r.deliver(a, forged);
  CHECK(r.s.stats().batches_rejected == 1);
  CHECK(r.handed.empty());
  REQUIRE(r.take_fetches(b) == std::vector<index_range>{{1, 300}});
  r.answer(b, {1, 300});
  CHECK(r.handed.size() == 300);
  CHECK(r.handed_in_order(1));
  // a is not asked again this session.
  r.holds(a, {1, 300});
  CHECK(r.take_fetches(a).empty());
}

TEST_CASE("log replay discards a batch whose terms go back or that is not what it asked for") {
  session_rig r(small_batches(), {leader, a, b}, anchor_at(600));
  r.holds(a, {1, 600});
  r.holds(b, {1, 600});
  auto fa = r.take_fetches(a);
  REQUIRE(fa == std::vector<index_range>{{1, 100}});
  fetch_response back{{1, 100}, {}};
  for (raft::index_t i = 1; i <= 100; ++i)
    back.entries.push_back(entry_at(i));
  back.entries[50].term = term_of(1) + 1; // 51 in term 2, 52 back in term 1
  r.deliver(a, back);
  CHECK(r.s.stats().batches_rejected == 1);
  auto fb = r.take_fetches(b);
  REQUIRE(fb.size() == 1); // b had 101..200; 1..100 waits for it
  r.answer(b, fb[0]);
  REQUIRE(r.take_fetches(b) == std::vector<index_range>{{1, 100}});
  fetch_response shifted{{1, 100}, {}};
  for (raft::index_t i = 2; i <= 101; ++i)
    shifted.entries.push_back(entry_at(i)); // claims 1..100, holds 2..101
  r.deliver(b, shifted);
  CHECK(r.s.stats().batches_rejected == 2);
  CHECK(r.handed.empty());
}

TEST_CASE("log replay holds and asks for at most max_held_entries past what it handed out") {
  std::vector<peer_id> peers{leader};
  for (std::uint8_t k = 2; k < 8; ++k)
    peers.push_back(pid(k));
  session_rig r(small_batches(100, 300), peers, anchor_at(5000));
  for (const auto& p : peers)
    r.holds(p, {1, 5000});
  std::vector<std::pair<peer_id, index_range>> asked;
  for (const auto& p : peers)
    for (auto f : r.take_fetches(p))
      asked.emplace_back(p, f);
  REQUIRE(asked.size() == 3); // 300 entries in chunks of 100
  auto first = std::find_if(asked.begin(), asked.end(), [](auto& x) { return x.second.first == 1; });
  REQUIRE(first != asked.end());
  for (auto& [p, f] : asked)
    if (f.first != 1)
      r.answer(p, f);
  CHECK(r.handed.empty());
  for (const auto& p : peers)
    CHECK(r.take_fetches(p).empty()); // 200 held and 100 in flight: no more
  r.answer(first->first, first->second);
  CHECK(r.handed.size() == 300);
  std::size_t more = 0;
  for (const auto& p : peers)
    more += r.take_fetches(p).size();
  CHECK(more == 3);
}

TEST_CASE("log replay hands out every index once however often a batch arrives") {
  session_rig r(small_batches(), {leader, a, b}, anchor_at(250));
  r.holds(a, {1, 250});
  r.holds(b, {1, 250});
  for (int round = 0; round < 10 && !r.s.done(); ++round)
    for (const auto& p : {a, b})
      for (auto f : r.take_fetches(p)) {
        r.answer(p, f);
        r.answer(p, f); // a duplicate
      }
  CHECK(r.s.done());
  CHECK(r.handed.size() == 250);
  CHECK(r.handed_in_order(1));
  CHECK(r.s.stats().entries_handed_out == 250);
}

TEST_CASE("log replay steps aside for what Raft committed meanwhile and waits for an anchor") {
  session_rig r(small_batches(), {leader, a}, std::nullopt);
  r.holds(a, {1, 400});
  CHECK(r.take_fetches(a).empty()); // no position of the leader's to catch up to yet
  r.holds(leader, {1, 400}); // the leader's answer names (400, its term)
  REQUIRE(r.s.target());
  CHECK(*r.s.target() == anchor_at(400));
  REQUIRE(r.take_fetches(a) == std::vector<index_range>{{1, 100}});
  r.s.committed(150, term_of(150)); // the leader's appends got there first
  r.collect();
  r.answer(a, {1, 100});
  CHECK(r.handed.empty()); // all below the commit index
  REQUIRE(r.take_fetches(a) == std::vector<index_range>{{151, 250}});
  r.answer(a, {151, 250});
  CHECK(r.handed_in_order(151));
  CHECK(r.handed.size() == 100);
  r.s.committed(400, term_of(400));
  CHECK(r.s.done());
}

TEST_CASE("log replay asks for no more while it holds max_held_bytes out of order") {
  auto cfg = small_batches(100, 1000);
  cfg.max_held_bytes = 400; // one batch of 100 entries of 4 bytes
  const peer_id c = pid(4);
  session_rig r(cfg, {leader, a, b, c}, anchor_at(1000));
  for (const auto& p : {a, b, c})
    r.holds(p, {1, 1000});
  REQUIRE(r.take_fetches(a) == std::vector<index_range>{{1, 100}});
  REQUIRE(r.take_fetches(b) == std::vector<index_range>{{101, 200}});
  REQUIRE(r.take_fetches(c) == std::vector<index_range>{{201, 300}});
  r.answer(b, {101, 200});
  CHECK(r.take_fetches(b).empty()); // 400 bytes held: b waits
  r.answer(a, {1, 100});
  CHECK(r.handed.size() == 200);
  CHECK(r.take_fetches(a).size() == 1);
  CHECK(r.take_fetches(b).size() == 1);
}
