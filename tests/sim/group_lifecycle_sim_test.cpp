// A group's life on whole simulated nodes: join is idempotent, the group is
// in the local entry and the node's status while it runs, and leaves both
// when closed; observers never lead.
#include "tests/support/testing.hpp"

#include "actors/network/network_api.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace std::chrono_literals;
using mosaik::testing::cluster;

namespace {

struct tally {
  using command = std::int64_t;
  using query = caf::unit_t;
  using result = std::int64_t;
  static constexpr std::string_view signature = "test.tally.v1";
  std::int64_t total = 0;
  void apply(const std::int64_t& c, const groups::apply_context&) { total += c; }
  std::int64_t read(const caf::unit_t&) const { return total; }
};

/// Waits for a leader every running member follows, every member a voter
/// except `observers`.
std::size_t formed(cluster& c, const testing::cluster_group<tally>& g, std::size_t observers = 0) {
  auto ok = [&] {
    auto l = c.leader(g);
    if (!l)
      return false;
    for (std::size_t i = 0; i < c.size(); ++i)
      if (auto v = c.view(i, g); v && (v->leader != c.peer(*l) || v->voters != c.size() - observers))
        return false;
    return true;
  };
  REQUIRE(c.run_until(ok, 30s));
  return *c.leader(g);
}

template <class T>
std::optional<T> ask(cluster& c, std::size_t i, const caf::actor& to, caf::message msg) {
  auto& n = c[i];
  n.self->send(to, std::move(msg));
  c.run_messages();
  std::optional<T> got;
  n.self->receive([&](T& r) { got = std::move(r); }, [](caf::error&) {},
                  caf::after(std::chrono::seconds{0}) >> [] {});
  return got;
}

} // namespace

TEST_CASE("sim groups: a second join of the same group answers the same actor") {
  cluster c{2, 21};
  c.start_all();
  auto g = c.join_all<tally>("tally");
  auto groups = caf::actor_cast<caf::actor>(c.supervisor(0).groups);
  auto again = ask<groups::join_result>(c, 0, groups,
                                        caf::make_message(groups::join_group{groups::setup_for<tally>(
                                          groups::group_key::from_secret("tally"))}));
  REQUIRE(again);
  CHECK(again->id == g.id);
  CHECK(again->group == c.group_actor(0, g.id));
  // Another key is another group.
  auto other = ask<groups::join_result>(c, 0, groups,
                                        caf::make_message(groups::join_group{groups::setup_for<tally>(
                                          groups::group_key::from_secret("other"))}));
  REQUIRE(other);
  CHECK(other->id != g.id);
  CHECK(c.counter(0, "mosaik.groups.active") == 2); // two groups run on node 0
}

TEST_CASE("sim groups: the node's status lists the group with its role, leader and bonds") {
  cluster c{3, 22};
  c.start_all();
  auto g = c.join_all<tally>("tally");
  auto leader = formed(c, g);
  for (std::size_t i = 0; i < c.size(); ++i) {
    auto status = ask<wire::node_status>(c, i, caf::actor_cast<caf::actor>(c.supervisor_actor(i)),
                                         caf::make_message(net::get_status{}));
    REQUIRE(status);
    REQUIRE(status->groups.size() == 1);
    const auto& s = status->groups[0];
    CHECK(s.id == g.id);
    CHECK(s.role == (i == leader ? "leader" : "follower"));
    CHECK(s.leader == c.peer(leader));
    CHECK(s.bonds.size() == 2);
    CHECK(s.online);
    CHECK(s.commit >= 1);
  }
  // The committee as the metrics see it, labelled with the group.
  metrics::labels l{{"group", g.id.short_hex()}};
  CHECK(c.counter(leader, "mosaik.groups.raft.committee.voters", l) == 3);
  CHECK(c.counter(leader, "mosaik.groups.raft.committee.non_voters", l) == 0);
  CHECK(c.counter(leader, "mosaik.groups.bonds.active", l) == 2);
  CHECK(c.counter(leader, "mosaik.groups.raft.leader.changes", l) >= 1);
}

TEST_CASE("sim groups: a closed group leaves the local entry and its peers' bonds") {
  cluster c{3, 23};
  c.start_all();
  auto g = c.join_all<tally>("tally");
  formed(c, g);
  auto closed = ask<bool>(c, 2, caf::actor_cast<caf::actor>(c.group_actor(2, g.id)),
                          caf::make_message(groups::close_group{}));
  REQUIRE(closed);
  CHECK(*closed);
  REQUIRE(c.run_until([&] {
    return c.discovery(2).eng->me().entry().groups().count(g.id) == 0 && c.bond_count(0, g) == 1
           && c.bond_count(1, g) == 1;
  }, 10s));
  CHECK_FALSE(c.view(2, g));
  // The two left form the group on their own (the departed one is removed).
  REQUIRE(c.run_until([&] {
    auto v = c.view(0, g);
    return v && v->voters == 2 && v->leader;
  }, 30s));
}

TEST_CASE("sim groups: an observer replicates but never leads or votes") {
  cluster c{3, 24};
  c.start_all();
  // Node 0 has the smallest id of the three here? Whichever it is, as an
  // observer it must neither bootstrap nor lead.
  auto g = c.join_all<tally>("tally", {}, {0});
  auto leader = formed(c, g, 1);
  CHECK(leader != 0);
  auto v = c.view(0, g);
  REQUIRE(v);
  CHECK(v->observer);
  // It follows the log: a write anywhere reaches its state.
  auto w = c.execute(g, 0, std::int64_t{7}, 5s);
  REQUIRE(c.await(w, 10s));
  REQUIRE(w->value());
  auto target = c.view(leader, g)->commit;
  REQUIRE(c.run_until([&] { return c.view(0, g)->applied >= target; }, 10s));
  auto q = c.query(g, 0, caf::unit_t{}, groups::consistency::weak, 5s);
  REQUIRE(c.await(q, 5s));
  REQUIRE(q->value());
  CHECK(q->value()->value == 7);
  // Crash the leader: the other voter alone cannot elect (the observer does
  // not vote), so no one leads, and the observer never campaigns.
  c.crash(leader);
  c.run(20s);
  auto after = c.view(0, g);
  REQUIRE(after);
  CHECK(after->role == raft::role::follower);
}

// A fresh group waits for the smallest bonded id to bootstrap it; an
// observer never does. Bonds once did not say which side is an observer,
// so an observer with the smallest id stalled the group's formation
// (mosaik_bench_group ran into it on real processes). Now the hello and
// welcome carry the flag.
TEST_CASE("sim groups: an observer with the smallest id does not stall the group's formation") {
  cluster c{3, 25};
  c.start_all();
  std::size_t smallest = 0;
  for (std::size_t i = 1; i < c.size(); ++i)
    if (c.peer(i) < c.peer(smallest))
      smallest = i;
  auto g = c.join_all<tally>("tally", {}, {smallest});
  CHECK(c.run_until([&] { return c.formed(g); }, 60s));
  auto leader = c.leader(g);
  REQUIRE(leader);
  CHECK(*leader != smallest);
  CHECK(c.view(*leader, g)->voters == 2);
}

TEST_CASE("sim groups: when the leader leaves, the others elect a new one and remove it") {
  cluster c{3, 26};
  c.start_all();
  groups::join_options all_three;
  all_three.consensus.min_voters = 3; // the first election only; later ones need a majority
  auto g = c.join_all<tally>("tally", all_three);
  auto leader = formed(c, g);
  auto closed = ask<bool>(c, leader, caf::actor_cast<caf::actor>(c.group_actor(leader, g.id)),
                          caf::make_message(groups::close_group{}));
  REQUIRE(closed);
  auto other = c.any_member(g, leader);
  REQUIRE(c.run_until([&] {
    auto v = c.view(other, g);
    return v && v->online && v->voters == 2 && v->leader && *v->leader != c.peer(leader);
  }, 30s));
  auto w = c.execute(g, other, std::int64_t{5}, 5s);
  REQUIRE(c.await(w, 10s));
  CHECK(w->value());
}
