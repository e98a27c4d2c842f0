// Whole-network discovery properties on the deterministic simulator:
// convergence, partitions, departures, purging, hostile input and a catalog
// flood.
#include "schemas/codec/discovery_codec.hpp"
#include "tests/support/discovery_sim.hpp"

#include <doctest/doctest.h>

#include <numeric>

using namespace mosaik;
using namespace mosaik::discovery;
using mosaik::sim::discovery_sim;
using mosaik::sim::discovery_sim_options;

namespace {

const millis interval = discovery_sim_options::fast_config().announce_interval;
const millis purge_after = discovery_sim_options::fast_config().purge_after;

discovery_sim_options options(std::uint64_t seed, std::size_t nodes = 20) {
  discovery_sim_options opts;
  opts.seed = seed;
  opts.nodes = nodes;
  return opts;
}

std::vector<std::size_t> range(std::size_t from, std::size_t to) {
  std::vector<std::size_t> out(to - from);
  std::iota(out.begin(), out.end(), from);
  return out;
}

/// Every live node holds every other live node, refreshed within `max_age`.
bool fresh_within(const discovery_sim& s, millis max_age) {
  for (std::size_t i = 0; i < s.size(); ++i)
    for (std::size_t j = 0; j < s.size(); ++j) {
      if (i == j || !s.alive(i) || !s.alive(j))
        continue;
      auto age = s.node(i).catalog().age_of(s.id(j), s.now());
      if (!age || *age > max_age)
        return false;
    }
  return true;
}

/// Whether any live node other than `except` holds `peer`.
bool anyone_holds(const discovery_sim& s, const peer_id& peer) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s.alive(i) && s.node(i).catalog().get(peer, s.now()))
      return true;
  return false;
}

secret_key fresh_key(std::uint8_t n) {
  secret_key::seed_type seed;
  seed.fill(n);
  return secret_key::from_seed(seed);
}

void converge(discovery_sim& s) {
  REQUIRE(s.run_until([&] { return s.converged(); }, 3 * interval));
}

} // namespace

TEST_CASE("discovery sim: 20 nodes bootstrapped from one converge within 3 announce intervals") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    CAPTURE(seed);
    discovery_sim s{options(seed)};
    auto at = s.run_until([&] { return s.converged(); }, 3 * interval);
    REQUIRE(at.has_value());
    MESSAGE("seed " << seed << ": converged after " << at->count() << " ms");
    // And it stays converged, each entry refreshed by the heartbeats.
    s.run_for(5 * interval);
    CHECK(fresh_within(s, 2 * interval));
    CHECK(s.decode_failures() == 0);
    // Honest traffic (late duplicates, reordering) never gets anyone banned.
    for (std::size_t i = 0; i < s.size(); ++i)
      CHECK(s.node(i).catalog().stats().bans == 0);
  }
}

TEST_CASE("discovery sim: with 10% message loss 20 nodes still converge within 6 intervals") {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    CAPTURE(seed);
    auto opts = options(seed);
    opts.loss = 0.1;
    discovery_sim s{opts};
    CHECK(s.run_until([&] { return s.converged(); }, 6 * interval).has_value());
    for (std::size_t i = 0; i < s.size(); ++i)
      CHECK(s.node(i).catalog().stats().bans == 0);
  }
}

TEST_CASE("discovery sim: every gossip peer set stays within its bound") {
  auto opts = options(7, 40);
  discovery_sim s{opts};
  REQUIRE(s.run_until([&] { return s.converged(); }, 5 * interval));
  s.run_for(5 * interval);
  for (std::size_t i = 0; i < s.size(); ++i) {
    CAPTURE(i);
    CHECK(s.node(i).links().gossip().size() <= opts.cfg.gossip_peers);
    CHECK(s.node(i).links().gossip().size() >= 1);
  }
}

TEST_CASE("discovery sim: catalogs are fresh again soon after a short partition heals") {
  discovery_sim s{options(11)};
  converge(s);
  auto left = range(0, 10);
  s.partition(left);
  s.run_for(6 * interval);
  // Each side still lists the other (not yet purged) but hears nothing new.
  CHECK(s.converged());
  CHECK_FALSE(fresh_within(s, 3 * interval));
  s.heal();
  auto healed = s.elapsed();
  auto at = s.run_until([&] { return fresh_within(s, 2 * interval); }, 10 * interval);
  REQUIRE(at.has_value());
  MESSAGE("fresh again " << (*at - healed).count() << " ms after the heal");
}

TEST_CASE("discovery sim: after a partition longer than purge_after the halves find each other") {
  discovery_sim s{options(12)};
  converge(s);
  auto left = range(0, 10); // holds the bootstrap node 0
  s.partition(left);
  s.run_for(purge_after + 3 * interval);
  // Each half has purged the other.
  for (auto i : left)
    for (auto j : range(10, 20)) {
      CHECK_FALSE(s.node(i).catalog().get(s.id(j), s.now()).has_value());
      CHECK_FALSE(s.node(j).catalog().get(s.id(i), s.now()).has_value());
    }
  for (std::size_t i = 0; i < s.size(); ++i)
    CHECK(s.node(i).catalog().stats().purged == 10);
  s.heal();
  // The right half redials its bootstrap address, which no peer it knows
  // advertises any more.
  auto healed = s.elapsed();
  auto at = s.run_until([&] { return s.converged(); }, 10 * interval);
  REQUIRE(at.has_value());
  MESSAGE("converged again " << (*at - healed).count() << " ms after the heal");
}

TEST_CASE("discovery sim: a graceful departure reaches every node long before any purge") {
  discovery_sim s{options(13)};
  converge(s);
  const auto leaver = s.id(7);
  s.depart(7);
  s.run_for(interval);
  CHECK_FALSE(s.alive(7));
  CHECK_FALSE(anyone_holds(s, leaver));
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!s.alive(i))
      continue;
    CAPTURE(i);
    CHECK(s.node(i).catalog().stats().departed == 1);
    CHECK(s.node(i).catalog().stats().purged == 0);
  }
  // Nor does it come back later (replays are refused, nothing refreshes it).
  s.run_for(5 * interval);
  CHECK_FALSE(anyone_holds(s, leaver));
  CHECK(s.converged());
}

TEST_CASE("discovery sim: a silent peer is purged everywhere after purge_after, not before") {
  discovery_sim s{options(14)};
  converge(s);
  s.run_for(2 * interval);
  const auto silent = s.id(5);
  s.crash(5);
  // Its last heartbeat is at most 1.5 intervals old: still held everywhere.
  s.run_for(purge_after - 2 * interval);
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s.alive(i))
      CHECK(s.node(i).catalog().get(silent, s.now()).has_value());
  s.run_for(3 * interval);
  CHECK_FALSE(anyone_holds(s, silent));
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!s.alive(i))
      continue;
    CAPTURE(i);
    CHECK(s.node(i).catalog().stats().purged == 1);
    CHECK(s.node(i).catalog().stats().departed == 0);
  }
  CHECK(s.converged());
}

TEST_CASE("discovery sim: forged, replayed and wrong-network entries never enter any catalog") {
  discovery_sim s{options(15)};
  converge(s);
  s.run_for(interval);
  auto everyone_but = [&](std::size_t sender) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < s.size(); ++i)
      if (i != sender)
        out.push_back(i);
    return out;
  };
  auto now_ms = s.now().count();
  const auto victim = s.id(4);

  // Forged: node 3 relays an entry claiming to be node 4's, signed by another key.
  auto forger = fresh_key(200);
  peer_entry forged{"mosaik-cpp/evil", s.node(0).catalog().network(), victim, {now_ms, now_ms + 1}};
  forged.add_tag(tag::from("evil"));
  auto forged_bytes = codec::encode_discovery(announce{
    {signed_peer_entry::unverified(forged, forger.sign(forged.content_digest().view()))}});

  // Replayed: node 8 relays an older, genuinely signed entry of node 4.
  auto old = *s.node(0).catalog().get_signed(victim, s.now());
  // Wrong network: node 9 relays a correctly signed entry of another network.
  auto stranger = fresh_key(201);
  auto elsewhere = *signed_peer_entry::sign(
    peer_entry{"mosaik-cpp/x", network_id::from("elsewhere"), stranger.public_id(), {now_ms, now_ms}},
    stranger);

  for (auto to : everyone_but(3))
    s.inject(3, to, forged_bytes);
  s.run_for(3 * interval); // node 4 announces newer versions meanwhile
  for (auto to : everyone_but(8))
    s.inject(8, to, codec::encode_discovery(announce{{old}}));
  for (auto to : everyone_but(9))
    s.inject(9, to, codec::encode_discovery(announce{{elsewhere}}));
  // Resurrection: node 10 replays the last entry of node 6 after it departed
  // (recent enough to pass the drift check: the departure must stop it).
  auto last_of_6 = *s.node(0).catalog().get_signed(s.id(6), s.now());
  s.depart(6);
  s.run_for(interval);
  for (auto to : everyone_but(10))
    s.inject(10, to, codec::encode_discovery(announce{{last_of_6}}));
  for (auto to : everyone_but(11))
    s.inject(11, to, bytes(64, 0xAB));
  s.run_for(interval);

  CHECK_FALSE(anyone_holds(s, stranger.public_id()));
  CHECK_FALSE(anyone_holds(s, s.id(6)));
  CHECK(s.decode_failures() == s.size() - 2); // all but the sender and the departed node
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!s.alive(i))
      continue;
    CAPTURE(i);
    const auto& cat = s.node(i).catalog();
    CHECK(cat.stats().rejected_of(rejection::wrong_network) == (i == 9 ? 0 : 1));
    // (Honest relays may also deliver its last heartbeat after the departure.)
    CHECK(cat.stats().rejected_of(rejection::departed) >= (i == 10 ? 0 : 1));
    CHECK(cat.stats().rejected_of(rejection::malformed) == (i == 11 ? 0 : 1));
    CHECK_FALSE(cat.banned(s.id(8), s.now()));
    if (i != 9)
      CHECK(cat.banned(s.id(9), s.now()));
    if (i == 4) { // the forged and replayed entries carry its own id
      CHECK(cat.stats().rejected_of(rejection::own_entry) == 2);
      continue;
    }
    auto seen = cat.get_signed(victim, s.now());
    REQUIRE(seen != nullptr);
    CHECK_FALSE(seen->entry().tags().contains(tag::from("evil")));
    CHECK(seen->version() > old.version());
    // The senders are charged, not the peer they lied about.
    CHECK(cat.penalties().score(victim, s.now()) == 0);
    if (i != 3) {
      CHECK(cat.banned(s.id(3), s.now()));
      CHECK(cat.stats().rejected_of(rejection::bad_signature) == 1);
    }
    // Three intervals later the replay is too old to pass the drift check.
    if (i != 8)
      CHECK(cat.stats().rejected_of(rejection::time_drift) == 1);
  }
}

TEST_CASE("discovery sim: a late joiner gets into catalogs an attacker flooded full, and stays") {
  auto opts = options(16, 12);
  opts.cfg.max_peers = 40;
  opts.cfg.max_peers_per_relayer = 20;
  opts.cfg.purge_after = 30 * interval; // the junk outlives the test
  opts.last_starts_at = 6 * interval;
  discovery_sim s{opts};
  const std::size_t attacker = 3;
  const std::size_t late = s.size() - 1;
  converge(s);
  // The attacker relays 60 fresh self-signed entries to every honest node
  // (its quota is 20); the honest nodes forward what they accept.
  auto now_ms = s.now().count();
  std::uint32_t next = 0;
  for (std::size_t to = 0; to < late; ++to) {
    if (to == attacker)
      continue;
    announce junk;
    for (int k = 0; k < 60; ++k) {
      secret_key::seed_type seed;
      seed.fill(0xEE);
      for (std::size_t b = 0; b < 4; ++b)
        seed[b] = static_cast<std::uint8_t>(next >> (8 * b));
      ++next;
      auto key = secret_key::from_seed(seed);
      peer_entry e{"mosaik-cpp/junk", s.node(0).catalog().network(), key.public_id(), {now_ms, now_ms}};
      junk.entries.push_back(*signed_peer_entry::sign(std::move(e), key));
    }
    s.inject(attacker, to, codec::encode_discovery(junk));
  }
  auto full = [&] { // every honest catalog but the late joiner's
    for (std::size_t i = 0; i < late; ++i)
      if (i != attacker && s.node(i).catalog().peers_count(s.now()) != opts.cfg.max_peers)
        return false;
    return true;
  };
  s.run_until(*opts.last_starts_at - millis{1});
  REQUIRE(full());
  CHECK(s.converged()); // the honest nodes kept each other meanwhile
  for (std::size_t i = 0; i < late; ++i)
    if (i != attacker)
      CHECK(s.node(i).catalog().stats().rejected_of(rejection::relayer_quota) > 0);

  REQUIRE(s.run_until([&] { return s.alive(late) && s.converged(); }, 5 * interval));
  s.run_for(3 * interval);
  CHECK(s.converged());
  CHECK(full());
  std::uint64_t evicted = 0;
  for (std::size_t i = 0; i < late; ++i)
    for (auto n : s.node(i).catalog().stats().evicted)
      evicted += n;
  CHECK(evicted > 0);
}
