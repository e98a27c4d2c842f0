// The provider of log replay: it offers and serves committed entries only,
// bounded in entries and bytes, and says what it actually sent.

#include "tests/unit/groups/sync_fixtures.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::groups;
using namespace mosaik::groups::testing;

namespace {

sync_message ask(const log_replay_provider& cp, const history_log& log, const sync_message& m) {
  auto p = cp;
  std::vector<sync_send> out;
  REQUIRE(p.receive(pid(9), m, log, out));
  REQUIRE(out.size() == 1);
  CHECK(out[0].to == pid(9));
  return out[0].msg;
}

fetch_response fetch(const log_replay_provider& p, const history_log& log, index_range r) {
  return std::get<fetch_response>(ask(p, log, fetch_request{r}));
}

} // namespace

TEST_CASE("a provider offers its committed entries only, with the last one's term") {
  log_replay_provider p({});
  history_log log(900, 700);
  auto a = std::get<availability_response>(ask(p, log, availability_request{}));
  CHECK(a.range == index_range{1, 700});
  CHECK(a.last_term == term_of(700));
  auto none = std::get<availability_response>(ask(p, history_log(5, 0), availability_request{}));
  CHECK(none.range.empty());
}

TEST_CASE("a provider serves at most batch_size entries, up to its commit index, and names what it sent") {
  log_replay_config cfg;
  cfg.batch_size = 100;
  log_replay_provider p(cfg);
  history_log log(900, 700);
  auto r = fetch(p, log, {10, 500});
  CHECK(r.range == index_range{10, 109});
  REQUIRE(r.entries.size() == 100);
  CHECK(r.entries.front() == entry_at(10));
  CHECK(r.entries.back() == entry_at(109));
  auto tail = fetch(p, log, {650, 900});
  CHECK(tail.range == index_range{650, 700}); // never past the commit index
  CHECK(tail.entries.size() == 51);
  auto beyond = fetch(p, log, {701, 900});
  CHECK(beyond.range.empty());
  CHECK(beyond.entries.empty());
  auto huge = fetch(p, log, {~raft::index_t{0}, ~raft::index_t{0}});
  CHECK(huge.range.empty());
}

TEST_CASE("a provider keeps a response within max_batch_bytes and never above max_fetch_entries") {
  log_replay_config cfg;
  cfg.batch_size = 1u << 20; // clamped
  cfg.max_batch_bytes = 40; // entries of 4 bytes
  log_replay_provider p(cfg);
  history_log log(10000, 10000);
  auto r = fetch(p, log, {1, 10000});
  CHECK(r.range == index_range{1, 10});
  cfg.max_batch_bytes = 1u << 30;
  auto big = fetch(log_replay_provider(cfg), log, {1, 10000});
  CHECK(big.entries.size() == max_fetch_entries);
}

TEST_CASE("a provider leaves the answers to the session") {
  log_replay_provider p({});
  history_log log(10, 10);
  std::vector<sync_send> out;
  CHECK_FALSE(p.receive(pid(9), availability_response{{1, 3}, 1}, log, out));
  CHECK_FALSE(p.receive(pid(9), fetch_response{}, log, out));
  CHECK(out.empty());
}
