// mosaik::group<M>, the blocking facade, on a real actor system and
// loopback: three networks in one process form a group (with LMDB in temp
// data dirs), execute and query through any of them, every call within its
// timeout; a restarted node resumes its log from disk.
#include "actors/mosaik.hpp"
#include "tests/support/temp_dir.hpp"

#include <caf/actor_system.hpp>
#include <doctest/doctest.h>

#include <memory>
#include <thread>
#include <vector>

using namespace mosaik;
using namespace std::chrono_literals;

namespace {

struct counter {
  using command = std::int64_t;
  using query = caf::unit_t;
  using result = std::int64_t;
  static constexpr std::string_view signature = "test.counter.v1";
  std::int64_t value = 0;
  std::int64_t apply(const command& c, const groups::apply_context&) { return value += c; }
  result read(const query&) const { return value; }
};

/// Fast timing, the same on every node (it enters the group id). The first
/// election waits for all three (min_voters): with real time and a short
/// bootstrap delay, nodes that have not bonded yet would each bootstrap a
/// group of their own, and groups that bootstrapped apart never merge.
groups::join_options quick() {
  groups::join_options o;
  o.consensus.bootstrap_delay = 500ms;
  o.consensus.min_voters = 3;
  return o;
}

struct node_set {
  transport::system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  test::temp_dir dir{"group-facade"};
  std::vector<secret_key> keys;
  std::vector<std::optional<network>> nets;
  std::uint16_t first_port = 0;


  node::node_config config(std::size_t i) {
    node::node_config cfg;
    cfg.network = "group-facade";
    cfg.listen = {"127.0.0.1", 0};
    cfg.data_dir = (dir.path() / ("n" + std::to_string(i))).string();
    if (i > 0)
      cfg.bootstrap.push_back({std::nullopt, nets[0]->listen()});
    return cfg;
  }

  /// Starts node i. A restarted node waits (within a bound) until its
  /// previous incarnation's actors have closed the LMDB environment: one
  /// process may hold it open only once, and a refused open fails the
  /// start cleanly.
  void start(std::size_t i) {
    if (keys.size() <= i) {
      keys.push_back(secret_key::generate());
      nets.emplace_back();
    }
    auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      auto net = network::start(sys, config(i), secret_key::from_seed(keys[i].seed()), 10s);
      if (net) {
        nets[i].emplace(std::move(*net));
        return;
      }
      bool store_busy = net.error().find("group storage") != std::string::npos;
      REQUIRE_MESSAGE((store_busy && std::chrono::steady_clock::now() < deadline), net.error());
      std::this_thread::sleep_for(20ms);
    }
  }

  group<counter> join(std::size_t i) {
    auto g = nets[i]->join<counter>("counters", 10s, quick());
    REQUIRE_MESSAGE(g, (g ? "" : g.error()));
    return *g;
  }

  ~node_set() {
    for (auto& n : nets)
      if (n)
        (void)n->shutdown(3s);
  }
};

} // namespace

TEST_CASE("group facade: three nodes execute and query through any of them") {
  node_set s;
  std::vector<group<counter>> gs;
  for (std::size_t i = 0; i < 3; ++i) {
    s.start(i);
    gs.push_back(s.join(i));
  }
  for (auto& g : gs)
    REQUIRE(g.when_online(20s));
  auto leader = gs[0].when_leader(10s);
  REQUIRE(leader);
  for (std::size_t i = 0; i < 3; ++i) {
    auto r = gs[i].execute(std::int64_t{10}, 5s);
    REQUIRE_MESSAGE(r, (r ? "" : r.error().detail));
    REQUIRE(r->results.size() == 1);
    REQUIRE(r->results[0]);
    CHECK(*r->results[0] == 10 * static_cast<std::int64_t>(i + 1));
  }
  for (auto& g : gs) {
    auto q = g.query({}, groups::consistency::strong, 5s);
    REQUIRE_MESSAGE(q, (q ? "" : q.error().detail));
    CHECK(q->value == 30);
  }
  // A second join is the same group.
  auto again = s.join(1);
  CHECK(again.actor() == gs[1].actor());
  auto st = s.nets[1]->status(5s);
  REQUIRE(st);
  REQUIRE(st->groups.size() == 1);
  CHECK(st->groups[0].id == gs[1].id());
}

TEST_CASE("group facade: a restarted node resumes its log from its data dir") {
  node_set s;
  std::vector<group<counter>> gs;
  for (std::size_t i = 0; i < 3; ++i) {
    s.start(i);
    gs.push_back(s.join(i));
  }
  // Every member a voter before one leaves: while the third is still a
  // learner, the two voters cannot lose one and go on.
  for (auto& g : gs)
    REQUIRE(g.when([](const groups::group_view& v) { return v.online && v.voters == 3; }, 20s));
  for (int k = 0; k < 5; ++k)
    REQUIRE(gs[static_cast<std::size_t>(k % 3)].execute(std::int64_t{1}, 5s));
  auto before = gs[2].view(5s);
  REQUIRE(before);
  REQUIRE(s.nets[2]->shutdown(5s));
  s.nets[2].reset();
  // Its departure removes it; if it led, the other two elect a leader first.
  auto gone = s.keys[2].public_id();
  REQUIRE(gs[0].when([&](const groups::group_view& v) { return v.online && v.voters == 2 && v.leader != gone; },
                     20s));
  auto during = gs[0].execute(std::int64_t{1}, 5s);
  REQUIRE_MESSAGE(during, (during ? "" : during.error().detail));
  s.start(2);
  auto back = s.join(2);
  // Its own log is replayed at once; the rest arrives from the leader.
  auto view = back.view(5s);
  REQUIRE(view);
  CHECK(view->last_index >= before->commit);
  REQUIRE(back.when_online(20s));
  auto q = back.query({}, groups::consistency::strong, 5s);
  REQUIRE_MESSAGE(q, (q ? "" : q.error().detail));
  CHECK(q->value == 6);
}
