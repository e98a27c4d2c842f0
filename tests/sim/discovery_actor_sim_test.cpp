// The discovery actor inside whole nodes on CAF's simulated network
// (sim_cluster): catalogs converge from one bootstrap node, subscribers get
// bounded event batches, run-time tags spread at once, a node's status
// carries its catalog, links beyond the gossip set are released without
// churn, and a peer sending garbage discovery frames is banned.
#include "actors/discovery/discovery_api.hpp"
#include "schemas/codec/discovery_codec.hpp"
#include "schemas/codec/frame_codec.hpp"
#include "tests/support/sim_cluster.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/response_promise.hpp>

using namespace mosaik;
using namespace std::chrono_literals;
using mosaik::test::sim_cluster;

namespace {

constexpr auto interval = 2s;

/// n nodes, every other one bootstrapped from node 0 by address only, with
/// a short announce interval.
struct star_cluster : sim_cluster {
  star_cluster(std::size_t n, std::uint64_t seed, std::size_t backlog = 100) : sim_cluster(n, seed) {
    for (std::size_t i = 0; i < n; ++i) {
      config(i).discovery->announce_interval = interval;
      config(i).discovery->events_backlog = backlog;
      if (i > 0)
        bootstrap(i, 0, false);
    }
  }

  std::optional<discovery::peer_info> entry(std::size_t i, std::size_t of) {
    return discovery(i).eng->catalog().get(peer(of), discovery_now(i));
  }

  std::size_t total_ups() {
    std::size_t n = 0;
    for (std::size_t i = 0; i < size(); ++i)
      n += events(i).size();
    return n;
  }
};

/// What a subscriber received: batches, events by kind, losses.
struct received {
  std::vector<discovery::discovery_events> batches;
  std::vector<caf::response_promise> held; // answers withheld (a slow subscriber)
  bool answer = true;
  caf::actor actor; // ok_atom: answer the withheld batches

  std::size_t events() const {
    std::size_t n = 0;
    for (const auto& b : batches)
      n += b.events.size();
    return n;
  }
  std::uint64_t lost() const {
    std::uint64_t n = 0;
    for (const auto& b : batches)
      n += b.lost;
    return n;
  }
  std::set<peer_id> discovered() const {
    std::set<peer_id> out;
    for (const auto& b : batches)
      for (const auto& e : b.events)
        if (auto* d = std::get_if<discovery::peer_discovered>(&e))
          out.insert(d->entry.peer());
    return out;
  }
  std::optional<discovery::departure_cause> departed(const peer_id& p) const {
    for (const auto& b : batches)
      for (const auto& e : b.events)
        if (auto* d = std::get_if<discovery::peer_departed>(&e); d && d->peer == p)
          return d->cause;
    return std::nullopt;
  }
};

std::shared_ptr<received> subscribe(sim_cluster& c, std::size_t i) {
  auto log = std::make_shared<received>();
  auto sub = c[i].sys.spawn(
    [](caf::event_based_actor* self, std::shared_ptr<received> log) -> caf::behavior {
      return {
        [=](discovery::discovery_events& batch) {
          log->batches.push_back(std::move(batch));
          if (!log->answer)
            log->held.push_back(self->make_response_promise());
        },
        [=](caf::ok_atom) {
          log->answer = true;
          for (auto& rp : log->held)
            rp.deliver(caf::unit);
          log->held.clear();
        },
      };
    },
    log);
  log->actor = sub;
  c.own(sub);
  caf::anon_send(c.discovery_actor(i), discovery::subscribe_discovery{sub});
  c.run_messages();
  return log;
}

} // namespace

TEST_CASE("sim discovery actor: 10 nodes bootstrapped from one converge within 3 announce intervals") {
  star_cluster c{10, 61};
  c.start_all();
  REQUIRE(c.run_until([&] { return c.catalogs_converged(); }, 3 * interval));
  // Entries carry the peer's address, and a node's status lists its catalog.
  auto e = c.entry(4, 7);
  REQUIRE(e);
  CHECK(e->entry.addresses().count(c.address(7)) == 1);
  c[3].self->send(c.node_actor(3), node::get_status{});
  c.run_messages();
  std::optional<wire::node_status> s;
  c[3].self->receive([&](wire::node_status& got) { s = std::move(got); },
                     caf::after(std::chrono::seconds{0}) >> [] {});
  REQUIRE(s);
  CHECK(s->catalog.size() == 9);
  for (const auto& entry : s->catalog)
    CHECK(entry.is_signed);
  // Discovery's series of FEATURES.md 10 in the node's registry.
  auto& m = *c.state(3).metrics;
  CHECK(m.value("mosaik.discovery.catalog.size") == 9);
  CHECK(m.value("mosaik.discovery.peers.discovered") == 9);
  CHECK(m.value("mosaik.discovery.peers.departed") == 0);
  CHECK(m.value("mosaik.discovery.gossip.neighbors") >= 1);
  CHECK(m.value("mosaik.discovery.gossip.neighbors") <= 8);
  CHECK(m.value("mosaik.discovery.catalog.syncs") >= 1);
  CHECK(m.value("mosaik.discovery.messages.sent") > 0);
  // Link heartbeats feed the catalog's RTT of linked peers (a sample of 0
  // here: simulated links deliver without delay).
  REQUIRE(c.linked(0, 5));
  CHECK(c.run_until([&] { return c.entry(0, 5)->rtt.has_value(); }, 3s));
}

TEST_CASE("sim discovery actor: a subscriber sees every peer discovered and a graceful departure") {
  star_cluster c{5, 62};
  c.start(0);
  auto log = subscribe(c, 0);
  c.start_all();
  REQUIRE(c.run_until([&] { return c.catalogs_converged(); }, 3 * interval));
  CHECK(log->discovered() == std::set<peer_id>{c.peer(1), c.peer(2), c.peer(3), c.peer(4)});
  CHECK(log->lost() == 0);
  c.stop(3);
  REQUIRE(c.run_until([&] { return log->departed(c.peer(3)).has_value(); }, 1s));
  CHECK(*log->departed(c.peer(3)) == discovery::departure_cause::graceful);
  CHECK(c.state(0).metrics->value("mosaik.discovery.peers.departed") == 1);
  CHECK(c.run_until([&] { return c.catalogs_converged(); }, 1s));
}

TEST_CASE("sim discovery actor: a slow subscriber loses the oldest events, counted, never more than its backlog") {
  constexpr std::size_t backlog = 2;
  star_cluster c{7, 63, backlog};
  c.start(0);
  auto log = subscribe(c, 0);
  log->answer = false;
  c.start_all();
  REQUIRE(c.run_until([&] { return c.catalogs_converged(); }, 3 * interval));
  // One batch is in flight, unanswered; the rest wait, bounded.
  CHECK(log->batches.size() == 1);
  CHECK(c.discovery(0).subscribers.begin()->second.queue.waiting() <= backlog);
  caf::anon_send(log->actor, caf::ok_atom::value);
  c.run_messages();
  CHECK(log->batches.size() == 2);
  CHECK(log->lost() > 0);
  CHECK(log->events() + log->lost() == 6); // six peers discovered, each seen or counted
}

TEST_CASE("sim discovery actor: tags added at run time reach every catalog before the next announce") {
  star_cluster c{6, 64};
  c.start_all();
  REQUIRE(c.run_until([&] { return c.catalogs_converged(); }, 3 * interval));
  auto gpu = tag::from("gpu");
  c[2].self->send(c.discovery_actor(2), discovery::add_tags{{gpu}});
  // Well below the shortest periodic gap (interval * (1 - jitter) = 1 s).
  auto everywhere = [&] {
    for (std::size_t i = 0; i < c.size(); ++i)
      if (i != 2) {
        auto e = c.entry(i, 2);
        if (!e || e->entry.tags().count(gpu) == 0)
          return false;
      }
    return true;
  };
  CHECK(c.run_until(everywhere, 500ms, 10ms));
  // Too many tags are refused with an error and change nothing.
  std::vector<tag> many;
  for (std::size_t i = 0; i <= c.discovery(2).cfg.limits.max_tags; ++i)
    many.push_back(tag::from("t" + std::to_string(i)));
  auto answer = std::make_shared<std::optional<caf::error>>();
  c.own(c[2].sys.spawn([=](caf::event_based_actor* self, discovery::discovery_handle target) {
    self->request(target, caf::infinite, discovery::add_tags{many})
      .then([=](bool) { *answer = caf::error{}; }, [=](caf::error& err) { *answer = err; });
  }, c.discovery_actor(2)));
  c.run_messages();
  REQUIRE(answer->has_value());
  CHECK(**answer); // an error, not an answer
  CHECK(c.discovery(2).eng->me().entry().tags() == std::set<tag>{gpu});
}

TEST_CASE("sim discovery actor: with more nodes than gossip peers, released links stay released") {
  star_cluster c{14, 65};
  c.start_all();
  REQUIRE(c.run_until([&] { return c.catalogs_converged(); }, 3 * interval));
  c.run(10s);
  std::uint64_t releases = 0;
  for (std::size_t i = 0; i < c.size(); ++i)
    releases += c.counter(i, "mosaik.network.link.releases", {{"outcome", "closed"}});
  CHECK(releases > 0);
  auto before = c.total_ups();
  c.run(30s);
  CHECK(c.total_ups() == before); // no link went up or down: no churn
  CHECK(c.catalogs_converged());
}

TEST_CASE("sim discovery actor: a peer that sends garbage discovery frames is banned") {
  star_cluster c{2, 66};
  c.start_all();
  REQUIRE(c.run_until([&] { return c.linked(0, 1) && c.catalogs_converged(); }, 3 * interval));
  // A peer of its own identity links to node 0 and sends garbage there:
  // the penalties land on it, nobody else.
  secret_key::seed_type seed;
  seed.fill(0x66);
  auto mallory = secret_key::from_seed(seed);
  auto r = c.open_raw(1, 0);
  REQUIRE(r.handshake(mallory, "sim", 0x61));
  for (int i = 0; i < 2; ++i)
    r.write_frame({wire::frame_kind::discovery, std::uint64_t(i + 1), bytes(16, 0xee), {}});
  REQUIRE(c.run_until([&] { return c.state(0).links.count(mallory.public_id()) == 0; }, 1s));
  CHECK(c.discovery(0).malformed == 2);
  CHECK(c.state(0).metrics->value("mosaik.discovery.rejected", {{"reason", "malformed"}}) == 2);
  CHECK(c.counter(0, "mosaik.network.link.bans") == 1);
  CHECK(c.counter(0, "mosaik.network.link.closes.sent", {{"reason", "banned"}}) >= 1);
  // Coming back is refused while the ban lasts; node 1 never noticed.
  c.run(20s);
  auto again = c.open_raw(1, 0);
  CHECK_FALSE(again.handshake(mallory, "sim", 0x62));
  CHECK(c.linked(0, 1));
  CHECK(c.downs(0, 1) == 0);
}

TEST_CASE("sim discovery actor: a full catalog evicts for newer entries and counts it - impossible start times are refused") {
  star_cluster c{2, 67};
  c.config(0).discovery->max_peers = 2;
  c.start_all();
  REQUIRE(c.run_until([&] { return c.linked(0, 1) && c.catalogs_converged(); }, 3 * interval));
  // A linked peer of its own identity relays self-signed entries of made-up
  // peers; node 1's entry is linked, so the made-up ones can only displace
  // each other.
  secret_key::seed_type relayer_seed;
  relayer_seed.fill(0x67);
  auto r = c.open_raw(1, 0);
  REQUIRE(r.handshake(secret_key::from_seed(relayer_seed), "sim", 0x67));
  auto relay = [&](std::vector<std::uint8_t> keys, std::int64_t start) {
    discovery::announce a;
    auto now_ms = c.discovery_now(0).count();
    for (auto n : keys) {
      secret_key::seed_type seed;
      seed.fill(n);
      auto key = secret_key::from_seed(seed);
      discovery::peer_entry e{"mosaik-cpp/junk", c.discovery(0).eng->catalog().network(),
                              key.public_id(), {start == 0 ? now_ms : start, now_ms}};
      a.entries.push_back(*discovery::signed_peer_entry::sign(std::move(e), key));
    }
    r.write_frame({wire::frame_kind::discovery, 0, codec::encode_discovery(a), {}});
    c.run(100ms);
  };
  relay({201}, 0);
  relay({202}, 0); // newer than 201's: evicts it
  relay({203, 204}, 0); // 203 evicts 202; 204 ties with 203 and is refused
  relay({205}, INT64_MAX);
  auto& m = *c.state(0).metrics;
  CHECK(m.value("mosaik.discovery.evicted", {{"reason", "older"}}) == 2);
  CHECK(m.value("mosaik.discovery.evicted", {{"reason", "relayer_load"}}) == 0);
  CHECK(m.value("mosaik.discovery.rejected", {{"reason", "catalog_full"}}) == 1);
  CHECK(m.value("mosaik.discovery.rejected", {{"reason", "bad_start"}}) == 1);
  CHECK(m.value("mosaik.discovery.catalog.size") == 2);
  CHECK(c.entry(0, 1).has_value());
  CHECK(c.linked(0, 1)); // none of this is worth a ban
}

TEST_CASE("sim discovery actor: a silent node is purged after purge_after; restarted, it is back with a newer version") {
  constexpr auto purge_after = 10s;
  star_cluster c{5, 67};
  for (std::size_t i = 0; i < c.size(); ++i)
    c.config(i).discovery->purge_after = purge_after;
  c.start_all();
  REQUIRE(c.run_until([&] { return c.catalogs_converged(); }, 3 * interval));
  auto before = c.entry(0, 2);
  REQUIRE(before);
  c.crash(2, sim_cluster::crash_mode::silent);
  // Links notice within their heartbeat budget, the catalogs keep the entry
  // until nothing newer arrived for purge_after.
  c.run(purge_after / 2);
  CHECK(c.catalog(0).count(c.peer(2)) == 1);
  REQUIRE(c.run_until([&] { return c.catalogs_converged(); }, purge_after));
  CHECK(c.state(0).metrics->value("mosaik.discovery.peers.departed") == 1);
  c.restart(2);
  REQUIRE(c.run_until([&] { return c.catalogs_converged(); }, 3 * interval));
  auto after = c.entry(0, 2);
  REQUIRE(after);
  CHECK(after->entry.version().start_ms > before->entry.version().start_ms);
}
