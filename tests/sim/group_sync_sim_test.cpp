// Catch-up by log replay on whole simulated nodes (mosaik::testing): a
// follower cut off while the others commit many large entries fetches the
// gap from its bonded peers, not only from the leader, and ends with the
// same state as the others.

#include "tests/support/testing.hpp"

#include <caf/meta/type_name.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace mosaik;
using namespace std::chrono_literals;
using mosaik::testing::cluster;

namespace {

/// Appends one note to a journal; a query reads its length and checksum.
struct note {
  std::string text;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, note& n) {
  return f(caf::meta::type_name("note"), n.text);
}

struct journal {
  using command = note;
  using query = std::string;
  using result = std::uint64_t;
  static constexpr std::string_view signature = "test.journal.v1";

  std::uint64_t count = 0;
  std::uint64_t digest = 1469598103934665603ull;

  expected<std::uint64_t, std::string> apply(const note& n, const groups::apply_context& ctx) {
    for (unsigned char ch : n.text)
      digest = (digest ^ ch) * 1099511628211ull;
    digest = (digest ^ ctx.index) * 1099511628211ull;
    return ++count;
  }
  std::uint64_t read(const std::string& what) const { return what == "count" ? count : digest; }
};

std::uint64_t sync_counter(cluster& c, std::size_t i, const group_id& g, const std::string& name) {
  return c.counter(i, "mosaik.groups.sync." + name, {{"group", g.short_hex()}});
}

std::uint64_t weak_read(cluster& c, const testing::cluster_group<journal>& g, std::size_t i,
                        const std::string& what) {
  auto q = c.query(g, i, what, groups::consistency::weak, 5s);
  REQUIRE(c.await(q, 10s));
  REQUIRE(q->value());
  return q->value()->value;
}

} // namespace

TEST_CASE("sim groups: a follower cut off while thousands of entries commit catches up by log replay") {
  cluster c{5, 31};
  // A leader ships 64 KiB per append, two appends in flight: by Raft alone
  // the gap below takes about fifty round trips.
  for (std::size_t i = 0; i < c.size(); ++i) {
    c.config(i).groups.max_append_bytes = 64u << 10;
    c.config(i).groups.max_inflight = 2;
  }
  c.start_all();
  auto g = c.join_all<journal>("the journal");
  REQUIRE(c.run_until([&] { return c.formed(g, 5); }, 60s));
  auto leader = *c.leader(g);
  auto lagging = c.any_member(g, leader);
  c.isolate(lagging);

  // Entries of 2 KiB: the gap is many times what one append of the leader
  // carries.
  constexpr std::size_t total = 3000;
  constexpr std::size_t wave = 200;
  for (std::size_t done = 0; done < total; done += wave) {
    std::vector<decltype(c.execute(g, leader, note{}, 1s))> slots;
    for (std::size_t k = 0; k < wave; ++k)
      slots.push_back(c.execute(g, leader, note{std::to_string(done + k) + std::string(2048, 'n')}, 20s));
    for (auto& s : slots) {
      REQUIRE(c.await(s, 30s));
      REQUIRE(s->value());
    }
  }
  auto target = c.view(leader, g)->commit;
  REQUIRE(target > total);
  CHECK(c.view(lagging, g)->commit + total <= target);

  c.rejoin(lagging);
  REQUIRE(c.run_until([&] {
    auto v = c.view(lagging, g);
    return v && v->applied >= target;
  }, 120s));

  auto started = sync_counter(c, lagging, g.id, "sessions.started");
  auto fetched = sync_counter(c, lagging, g.id, "entries.fetched");
  auto from_leader = sync_counter(c, lagging, g.id, "entries.from_leader");
  MESSAGE("sessions ", started, ", entries fetched ", fetched, " (", from_leader, " from the leader)");
  CHECK(started >= 1);
  CHECK(sync_counter(c, lagging, g.id, "sessions.completed") >= 1);
  CHECK(fetched > from_leader); // entries came from non-leader peers
  CHECK(sync_counter(c, lagging, g.id, "batches.rejected") == 0);
  // The members that never lagged started no session.
  CHECK(sync_counter(c, leader, g.id, "sessions.started") == 0);

  // The same state everywhere.
  REQUIRE(c.run_until([&] {
    for (std::size_t i = 0; i < c.size(); ++i)
      if (auto v = c.view(i, g); !v || v->applied < target)
        return false;
    return true;
  }, 60s));
  auto count = weak_read(c, g, leader, "count");
  auto digest = weak_read(c, g, leader, "digest");
  CHECK(count >= total);
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c.view(i, g)->applied != c.view(leader, g)->applied)
      continue; // still applying a later entry
    CHECK(weak_read(c, g, i, "count") == count);
    CHECK(weak_read(c, g, i, "digest") == digest);
  }
}
