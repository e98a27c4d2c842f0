// The simulator's own checkers must be able to fail: known-bad histories
// and states are fed to them here.

#include "actors/core/raft/memory_storage.hpp"
#include "tests/sim/checker.hpp"
#include "tests/sim/kv_machine.hpp"
#include "tests/sim/linearizability.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::sim;
using kind = register_op::kind;

namespace {

register_op write(std::uint64_t v, std::uint64_t call, std::uint64_t ret) {
  return {kind::write, call, ret, v, 0, true, v};
}
register_op read(std::uint64_t v, std::uint64_t call, std::uint64_t ret) {
  return {kind::read, call, ret, v, 0, true, 100 + v};
}
register_op cas(std::uint64_t from, std::uint64_t to, bool ok, std::uint64_t call,
                std::uint64_t ret) {
  return {kind::cas, call, ret, to, from, ok, 200 + to};
}

bool linearizable(const std::vector<register_op>& ops) {
  return check_register(ops).v == lin_result::verdict::linearizable;
}

raft::node_id nid(std::uint8_t n) {
  peer_id::array_type raw{};
  raw[0] = n;
  return peer_id{raw};
}

} // namespace

TEST_CASE("linearizability: sequential histories check against the register") {
  CHECK(linearizable({read(0, 1, 2), write(5, 3, 4), read(5, 5, 6)}));
  CHECK_FALSE(linearizable({write(5, 1, 2), read(0, 3, 4)}));          // stale read
  CHECK_FALSE(linearizable({read(7, 1, 2)}));                           // value never written
  CHECK_FALSE(linearizable({write(1, 1, 2), write(2, 3, 4), read(1, 5, 6)}));
}

TEST_CASE("linearizability: concurrent operations may take effect in either order") {
  CHECK(linearizable({write(1, 1, 4), read(1, 2, 3)}));
  CHECK(linearizable({write(1, 1, 4), read(0, 2, 3)}));
  CHECK(linearizable({write(1, 1, 6), write(2, 2, 5), read(1, 7, 8)}));
  CHECK(linearizable({write(1, 1, 6), write(2, 2, 5), read(2, 7, 8)}));
  // Once both reads return, they fix an order the later read must respect.
  CHECK_FALSE(linearizable({write(1, 1, 6), write(2, 2, 5), read(2, 7, 8), read(1, 9, 10)}));
}

TEST_CASE("linearizability: compare-and-set succeeds only on the expected value") {
  CHECK(linearizable({write(1, 1, 2), cas(1, 2, true, 3, 4), read(2, 5, 6)}));
  CHECK(linearizable({write(1, 1, 2), cas(3, 2, false, 3, 4), read(1, 5, 6)}));
  CHECK_FALSE(linearizable({write(1, 1, 2), cas(1, 2, false, 3, 4)})); // should have swapped
  CHECK_FALSE(linearizable({write(1, 1, 2), cas(3, 2, true, 3, 4)}));  // swapped wrongly
}

TEST_CASE("linearizability: an operation with an unknown outcome may or may not happen") {
  CHECK(linearizable({write(1, 1, never), read(1, 5, 6)}));
  CHECK(linearizable({write(1, 1, never), read(0, 5, 6)}));
  CHECK(linearizable({write(1, 1, never), read(0, 5, 6), read(1, 7, 8)}));
  // ... but not before it was invoked, and not undone once seen.
  CHECK_FALSE(linearizable({read(1, 1, 2), write(1, 3, never)}));
  CHECK_FALSE(linearizable({write(1, 1, never), read(1, 5, 6), read(0, 7, 8)}));
  // An unknown cas only counts if it could swap.
  CHECK_FALSE(linearizable({write(1, 1, 2), cas(9, 2, true, 3, never), read(2, 5, 6)}));
}

TEST_CASE("linearizability: many unobserved unknown writes stay cheap") {
  std::vector<register_op> ops;
  for (std::uint64_t k = 1; k <= 300; ++k)
    ops.push_back(write(k, k, never));
  ops.push_back(write(1000, 400, 401));
  ops.push_back(read(1000, 402, 403));
  auto r = check_register(ops);
  CHECK(r.v == lin_result::verdict::linearizable);
  CHECK(r.explored < 1000);
  ops.push_back(read(7, 5, 6)); // returned before the write of 7 was invoked
  CHECK(check_register(ops).v == lin_result::verdict::violation);
}

TEST_CASE("linearizability: an unobserved unknown write can explain a failed cas") {
  // The cas found something other than 1: only the unknown write of 2 can
  // have put it there.
  CHECK(linearizable({write(1, 1, 2), write(2, 3, never), cas(1, 3, false, 4, 5)}));
  CHECK_FALSE(linearizable({write(1, 1, 2), cas(1, 3, false, 4, 5)}));
}

TEST_CASE("linearizability: a long sequential history stays cheap") {
  std::vector<register_op> ops;
  for (std::uint64_t k = 1; k <= 2000; ++k)
    ops.push_back(write(k, 2 * k, 2 * k + 1));
  ops.push_back(read(2000, 5000, 5001));
  auto r = check_register(ops);
  CHECK(r.v == lin_result::verdict::linearizable);
  CHECK(r.explored < 10000);
}

TEST_CASE("kv machine: commands round-trip and cas compares") {
  kv_command c{7, kv_op::cas, 3, 11, 12};
  CHECK(decode_kv(encode(c)) == c);
  CHECK_FALSE(decode_kv(bytes(5, 0)));
  kv_machine a;
  kv_machine b;
  CHECK(a.apply({1, kv_op::write, 3, 0, 11}));
  CHECK_FALSE(a.apply({2, kv_op::cas, 3, 10, 12})); // expects 10, finds 11
  CHECK(a.apply(c));
  CHECK(a.get(3) == 12);
  CHECK(b.apply({9, kv_op::write, 3, 0, 12}));
  CHECK(a.state_hash() == b.state_hash()); // same state, same hash
  CHECK(b.apply({9, kv_op::write, 4, 0, 1}));
  CHECK(a.state_hash() != b.state_hash());
}

TEST_CASE("checker: two leaders in one term are a violation") {
  checker c;
  raft::memory_storage log;
  c.on_leader({nid(1)}, 3, log, 0, "n1");
  CHECK(c.ok());
  c.on_leader({nid(2)}, 3, log, 0, "n2");
  CHECK_FALSE(c.ok());
}

TEST_CASE("checker: a second vote in a term is a violation, across restarts") {
  checker c;
  c.on_vote({nid(1)}, 4, nid(2), "n1");
  c.on_vote({nid(1)}, 4, nid(2), "n1");
  CHECK(c.ok());
  c.on_vote({nid(1), 1}, 4, nid(3), "n1 wiped"); // a wiped node is a new voter
  CHECK(c.ok());
  c.on_vote({nid(1)}, 4, nid(3), "n1");
  CHECK_FALSE(c.ok());
}

TEST_CASE("checker: different entries committed or applied at one index are violations") {
  raft::memory_storage a;
  raft::memory_storage b;
  std::vector<raft::entry> ea{{1, 1, raft::entry_type::command, bytes{1}}};
  std::vector<raft::entry> eb{{1, 2, raft::entry_type::command, bytes{2}}};
  REQUIRE(a.append(ea));
  REQUIRE(b.append(eb));
  checker commits;
  commits.on_commit({nid(1)}, a, 0, 1, 1, "n1");
  CHECK(commits.ok());
  commits.on_commit({nid(2)}, b, 0, 1, 2, "n2");
  CHECK_FALSE(commits.ok());

  checker applies;
  applies.on_apply(ea[0], 10, "n1");
  applies.on_apply(eb[0], 10, "n2");
  CHECK_FALSE(applies.ok());

  checker states;
  states.on_apply(ea[0], 10, "n1");
  states.on_apply(ea[0], 11, "n2"); // same entry, different state: divergence
  CHECK_FALSE(states.ok());
}

TEST_CASE("checker: a new leader lacking an entry committed in an earlier term is a violation") {
  raft::memory_storage committed_on;
  REQUIRE(committed_on.append(std::vector<raft::entry>{{1, 1, raft::entry_type::noop, {}}}));
  checker c;
  c.on_commit({nid(1)}, committed_on, 0, 1, 1, "n1");
  raft::memory_storage empty;
  c.on_leader({nid(2)}, 1, empty, 0, "n2"); // same term: not required
  CHECK(c.ok());
  c.on_leader({nid(3)}, 2, empty, 0, "n3");
  CHECK_FALSE(c.ok());
}

TEST_CASE("checker: durable term and commit never go back, nor a vote within a term") {
  checker c;
  c.on_durable({nid(1)}, {3, nid(2), 5}, "n1");
  c.on_durable({nid(1)}, {3, nid(2), 6}, "n1");
  CHECK(c.ok());
  checker term;
  term.on_durable({nid(1)}, {3, std::nullopt, 5}, "n1");
  term.on_durable({nid(1)}, {2, std::nullopt, 5}, "n1");
  CHECK_FALSE(term.ok());
  checker vote;
  vote.on_durable({nid(1)}, {3, nid(2), 5}, "n1");
  vote.on_durable({nid(1)}, {3, nid(3), 5}, "n1");
  CHECK_FALSE(vote.ok());
}

namespace {

raft::message msg(raft::term_t term, raft::message_body body) {
  return {nid(1), nid(2), term, {}, std::move(body)};
}

std::vector<raft::entry> terms(std::vector<raft::term_t> ts) {
  std::vector<raft::entry> out;
  raft::index_t i = 1;
  for (auto t : ts)
    out.push_back({i++, t, raft::entry_type::noop, {}});
  return out;
}

} // namespace

TEST_CASE("checker: a granted vote must be the sender's durable vote in that term") {
  raft::memory_storage store;
  REQUIRE(store.save_hard_state({4, nid(2), 0}));
  checker ok;
  ok.on_send(store, msg(4, raft::vote_response{false, true}), nullptr, "n1");
  ok.on_send(store, msg(5, raft::vote_response{true, true}), nullptr, "n1"); // pre-vote
  CHECK(ok.ok());
  raft::memory_storage unvoted;
  REQUIRE(unvoted.save_hard_state({4, std::nullopt, 0}));
  checker missing;
  missing.on_send(unvoted, msg(4, raft::vote_response{false, true}), nullptr, "n1");
  CHECK_FALSE(missing.ok());
  checker stale_term;
  stale_term.on_send(store, msg(5, raft::vote_response{false, true}), nullptr, "n1");
  CHECK_FALSE(stale_term.ok());
}

TEST_CASE("checker: an append acknowledgement must be durable and match the leader's log") {
  raft::memory_storage follower;
  REQUIRE(follower.append(terms({1, 1, 2})));
  REQUIRE(follower.save_hard_state({2, std::nullopt, 0}));
  raft::memory_storage leader;
  REQUIRE(leader.append(terms({1, 1, 3, 3})));
  checker ok;
  ok.on_send(follower, msg(2, raft::append_response{2}), &leader, "n1");
  ok.on_send(follower, msg(2, raft::append_response{3}), nullptr, "n1"); // leader moved on
  ok.on_send(follower, msg(2, raft::append_response{4, true, 3}), &leader, "n1"); // a reject
  CHECK(ok.ok());
  checker beyond;
  beyond.on_send(follower, msg(2, raft::append_response{4}), nullptr, "n1");
  CHECK_FALSE(beyond.ok());
  checker mismatch;
  mismatch.on_send(follower, msg(2, raft::append_response{3}), &leader, "n1");
  CHECK_FALSE(mismatch.ok());
  checker term;
  term.on_send(follower, msg(3, raft::heartbeat_response{}), nullptr, "n1");
  CHECK_FALSE(term.ok());
}
