// Groups on five whole simulated nodes (mosaik::testing): formation from
// discovery alone, operations from every node, a late joiner catching up,
// two groups that bootstrapped apart refusing to merge, and the reluctant
// preference across elections and restarts.
#include "tests/support/testing.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mosaik;
using namespace std::chrono_literals;
using mosaik::testing::cluster;

namespace {

/// A user's machine: one running sum per key.
struct deposit {
  std::string key;
  std::int64_t amount = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, deposit& d) {
  return f(caf::meta::type_name("deposit"), d.key, d.amount);
}

struct ledger {
  using command = deposit;
  using query = std::string;
  using result = std::int64_t;
  static constexpr std::string_view signature = "test.ledger.v1";

  std::map<std::string, std::int64_t> sums;

  std::int64_t apply(const deposit& d, const groups::apply_context&) { return sums[d.key] += d.amount; }
  std::int64_t read(const std::string& key) const {
    auto i = sums.find(key);
    return i == sums.end() ? 0 : i->second;
  }
};

using group_t = testing::cluster_group<ledger>;

std::int64_t execute_ok(cluster& c, const group_t& g, std::size_t i, const deposit& d) {
  auto r = c.execute(g, i, d, 5s);
  REQUIRE(c.await(r, 10s));
  REQUIRE_MESSAGE(r->value(), "execute on node ", i, " failed: ", r->value() ? "" : r->value().error().detail);
  REQUIRE(r->value()->results.size() == 1);
  return r->value()->results[0].value();
}

std::int64_t read(cluster& c, const group_t& g, std::size_t i, const std::string& key,
                  groups::consistency level) {
  auto q = c.query(g, i, key, level, 5s);
  REQUIRE(c.await(q, 10s));
  REQUIRE_MESSAGE(q->value(), "query on node ", i, " failed");
  return q->value()->value;
}

/// The bonds node i closed or saw closed because the peer's group
/// bootstrapped apart.
std::uint64_t split_closes(cluster& c, std::size_t i, const group_t& g) {
  std::uint64_t n = 0;
  for (const char* side : {"local", "remote"})
    n += c.counter(i, "mosaik.groups.bonds.closed",
                   {{"group", g.id.short_hex()}, {"reason", "split lineage"}, {"side", side}});
  return n + c.counter(i, "mosaik.groups.split_bootstrap", {{"group", g.id.short_hex()}});
}

} // namespace

TEST_CASE("sim groups: five nodes form one group from discovery alone and elect one leader") {
  cluster c{5, 31};
  c.start_all();
  auto g = c.join_all<ledger>("the ledger");
  REQUIRE(c.run_until([&] { return c.formed(g, 5); }, 60s));
  auto leader = *c.leader(g);
  std::size_t leaders = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    auto v = c.view(i, g);
    REQUIRE(v);
    leaders += v->role == raft::role::leader ? 1 : 0;
    CHECK(v->leader == c.peer(leader));
    CHECK(c.bond_count(i, g) == 4); // a full mesh of bonds
  }
  CHECK(leaders == 1);
}

TEST_CASE("sim groups: five nodes execute from every node and agree on every result") {
  cluster c{5, 32};
  c.start_all();
  auto g = c.join_all<ledger>("the ledger");
  REQUIRE(c.run_until([&] { return c.formed(g, 5); }, 60s));
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    sum += static_cast<std::int64_t>(i) + 1;
    CHECK(execute_ok(c, g, i, {"k", static_cast<std::int64_t>(i) + 1}) == sum);
  }
  for (std::size_t i = 0; i < c.size(); ++i)
    CHECK(read(c, g, i, "k", groups::consistency::strong) == sum);
}

TEST_CASE("sim groups: a node started after the group committed entries catches up") {
  cluster c{5, 33};
  for (std::size_t i = 0; i < 4; ++i)
    c.start(i);
  auto g = c.join_all<ledger>("the ledger");
  REQUIRE(c.run_until([&] { return c.formed(g, 4); }, 60s));
  for (int k = 0; k < 20; ++k)
    execute_ok(c, g, static_cast<std::size_t>(k % 4), {"late", 1});
  REQUIRE_FALSE(c.view(4, g)); // not started yet
  c.start(4);                  // joins the group as it starts
  auto target = c.view(*c.leader(g), g)->commit;
  REQUIRE(target >= 21);
  REQUIRE(c.run_until([&] {
    auto v = c.view(4, g);
    return v && v->applied >= target;
  }, 60s));
  CHECK(read(c, g, 4, "late", groups::consistency::weak) == 20);
  // It becomes a full member: the leader promotes it to the fifth voter.
  REQUIRE(c.run_until([&] { return c.formed(g, 5); }, 60s));
  CHECK(execute_ok(c, g, 4, {"late", 1}) == 21);
}

TEST_CASE("sim groups: two groups that bootstrapped apart refuse to merge and keep their entries") {
  cluster c{4, 34};
  // Nodes 0-1 and 2-3 start as two networks that cannot reach each other:
  // node 3 bootstraps from node 2, whose dial to node 0 is held by the
  // partition until it heals.
  c.config(3).bootstrap.clear();
  c.bootstrap(3, 2);
  for (std::size_t a : {0u, 1u})
    for (std::size_t b : {2u, 3u})
      c.partition(a, b);
  c.start_all();
  auto g = c.join_all<ledger>("the ledger");
  auto side_formed = [&](std::size_t a, std::size_t b) {
    auto va = c.view(a, g);
    auto vb = c.view(b, g);
    return va && vb && va->online && vb->online && va->voters == 2 && vb->voters == 2
           && va->leader == vb->leader;
  };
  REQUIRE(c.run_until([&] { return side_formed(0, 1) && side_formed(2, 3); }, 60s));
  CHECK(execute_ok(c, g, 0, {"side", 1}) == 1);
  CHECK(execute_ok(c, g, 3, {"side", 100}) == 100);
  CHECK(execute_ok(c, g, 2, {"side", 100}) == 200);
  auto leader_a = c.view(0, g)->leader;
  auto leader_b = c.view(2, g)->leader;
  REQUIRE(leader_a != leader_b);

  for (std::size_t a : {0u, 1u})
    for (std::size_t b : {2u, 3u})
      c.heal(a, b);
  // They find each other through discovery and try to bond: every bond
  // across the sides is refused for its lineage.
  REQUIRE(c.run_until([&] { return c.full_mesh(); }, 30s));
  REQUIRE(c.run_until([&] {
    for (std::size_t i = 0; i < c.size(); ++i)
      if (split_closes(c, i, g) == 0)
        return false;
    return true;
  }, 30s));
  c.run(30s);
  for (std::size_t i = 0; i < c.size(); ++i) {
    INFO("node ", i);
    CHECK(c.bond_count(i, g) == 1); // only its own side
    auto v = c.view(i, g);
    REQUIRE(v);
    CHECK(v->voters == 2);
    CHECK(v->leader == (i < 2 ? leader_a : leader_b));
  }
  // Each side still has exactly what it committed and goes on alone.
  CHECK(read(c, g, 1, "side", groups::consistency::strong) == 1);
  CHECK(read(c, g, 3, "side", groups::consistency::strong) == 200);
  CHECK(execute_ok(c, g, 1, {"side", 1}) == 2);
  CHECK(execute_ok(c, g, 2, {"side", 1}) == 201);
}

/// Three nodes, all reluctant but `normal`.
testing::cluster_group<ledger> join_reluctant(cluster& c, std::size_t normal) {
  return c.join_all_preferring<ledger>("the ledger", {}, [normal](std::size_t i) {
    return i == normal ? raft::leadership::normal() : raft::leadership::reluctant();
  });
}

/// The node with the smallest peer id: the one that bootstraps a group.
std::size_t smallest_id(cluster& c) {
  std::size_t out = 0;
  for (std::size_t i = 1; i < c.size(); ++i)
    if (c.peer(i) < c.peer(out))
      out = i;
  return out;
}

TEST_CASE("sim groups: a reluctant node does not win an election a normal node can win") {
  // Across seeds: after every node crashed and restarted, the normal node
  // wins the first election; with it down a reluctant one still takes over.
  for (std::uint64_t seed = 40; seed < 44; ++seed) {
    INFO("seed ", seed);
    cluster c{3, seed};
    c.start_all();
    auto normal = (smallest_id(c) + 1) % c.size();
    auto g = join_reluctant(c, normal);
    REQUIRE(c.run_until([&] { return c.formed(g, 3); }, 60s));
    execute_ok(c, g, 0, {"r", 1});

    for (std::size_t i = 0; i < c.size(); ++i)
      c.crash(i);
    for (std::size_t i = 0; i < c.size(); ++i)
      c.restart(i);
    REQUIRE(c.run_until([&] { return c.formed(g, 3); }, 60s));
    CHECK(*c.leader(g) == normal);
    CHECK(read(c, g, 0, "r", groups::consistency::strong) == 1);

    c.crash(normal);
    REQUIRE(c.run_until([&] {
      auto l = c.leader(g);
      return l && *l != normal;
    }, 60s));
    CHECK(execute_ok(c, g, (normal + 1) % c.size(), {"r", 1}) == 2);
  }
}

// The group's first leader is whoever bootstraps it: the bond handshake
// carries the preference, so a normal node does, not the smallest id.
TEST_CASE("sim groups: a reluctant node does not bootstrap the group when a normal one is bonded") {
  for (std::uint64_t seed = 40; seed < 44; ++seed) {
    INFO("seed ", seed);
    cluster c{3, seed};
    c.start_all();
    auto normal = (smallest_id(c) + 1) % c.size();
    auto g = join_reluctant(c, normal);
    REQUIRE(c.run_until([&] { return c.formed(g, 3); }, 60s));
    CHECK(*c.leader(g) == normal);
  }
}
