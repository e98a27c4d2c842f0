#include "actors/core/discovery/departure.hpp"
#include "actors/core/discovery/peer_entry.hpp"
#include "actors/core/discovery/signed_peer_entry.hpp"
#include "tests/unit/discovery_fixtures.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::discovery;
using namespace mosaik::discovery::testing;

TEST_CASE("peer entry: mutators report changes and never touch the version") {
  auto key = key_of(1);
  auto e = entry_of(key, 100, 100);
  CHECK(e.add_tag(tag::from("a")));
  CHECK_FALSE(e.add_tag(tag::from("a")));
  CHECK(e.remove_tag(tag::from("a")));
  CHECK_FALSE(e.remove_tag(tag::from("a")));
  CHECK(e.add_stream(stream_id::from("s")));
  CHECK(e.remove_stream(stream_id::from("s")));
  CHECK(e.add_group(group_id::from("g")));
  CHECK(e.remove_group(group_id::from("g")));
  CHECK_FALSE(e.add_address({"10.0.0.1", 4000}));
  CHECK(e.add_address({"10.0.0.2", 4000}));

  ticket jwt{unique_id::from("jwt"), {1, 2, 3}};
  CHECK(e.add_ticket(jwt));
  CHECK_FALSE(e.add_ticket(jwt));
  CHECK(e.add_ticket({unique_id::from("jwt"), {4}}));
  CHECK(e.add_ticket({unique_id::from("tdx"), {5}}));
  CHECK(e.tickets_of(unique_id::from("jwt")).size() == 2);
  CHECK(e.tickets().contains(jwt.id()));
  CHECK(e.remove_ticket(jwt.id()));
  CHECK(e.remove_tickets_of(unique_id::from("jwt")));
  CHECK_FALSE(e.remove_tickets_of(unique_id::from("jwt")));
  CHECK(e.tickets().size() == 1);
  CHECK(e.add_ticket({unique_id::from("jwt"), {6}}));
  CHECK(e.add_ticket({unique_id::from("jwt"), {7}}));
  ticket renewed{unique_id::from("jwt"), {8}};
  CHECK(e.replace_ticket(renewed));
  CHECK_FALSE(e.replace_ticket(renewed));
  CHECK(e.tickets_of(unique_id::from("jwt")) == std::vector<ticket>{renewed});
  CHECK(e.tickets().size() == 2);
  CHECK(e.version() == entry_version{100, 100});
}

TEST_CASE("peer entry: bump_version is max(update, now) + 1 and keeps start") {
  auto e = entry_of(key_of(1), 100, 100);
  e.bump_version(millis{50});
  CHECK(e.version() == entry_version{100, 101});
  e.bump_version(millis{500});
  CHECK(e.version() == entry_version{100, 501});
  CHECK(entry_version{100, 501} < entry_version{101, 0});
}

TEST_CASE("peer entry: signing bytes are canonical and cover every field") {
  auto key = key_of(1);
  auto a = entry_of(key, 1, 2);
  auto b = entry_of(key, 1, 2);
  // Insertion order does not matter.
  a.add_tag(tag::from("x"));
  a.add_tag(tag::from("y"));
  b.add_tag(tag::from("y"));
  b.add_tag(tag::from("x"));
  CHECK(a.signing_bytes() == b.signing_bytes());
  CHECK(a.same_content(b));

  auto base = a.signing_bytes();
  auto differs = [&](auto mutate) {
    auto c = a;
    mutate(c);
    return c.signing_bytes() != base;
  };
  CHECK(differs([](peer_entry& c) { c.add_stream(stream_id::from("s")); }));
  CHECK(differs([](peer_entry& c) { c.add_group(group_id::from("g")); }));
  CHECK(differs([](peer_entry& c) { c.add_address({"h", 1}); }));
  CHECK(differs([](peer_entry& c) { c.add_ticket({unique_id::from("t"), {}}); }));
  CHECK(differs([](peer_entry& c) { c.set_version({1, 3}); }));
  // A version change alone keeps the content the same.
  auto v = a;
  v.set_version({9, 9});
  CHECK(v.same_content(a));
  CHECK_FALSE(v == a);
}

TEST_CASE("signed entry: verifies - any tampering or a wrong key fails") {
  auto key = key_of(1);
  auto e = entry_of(key, 1, 2);
  e.add_tag(tag::from("t"));
  auto s = sign(e, key);
  CHECK(s.verify());

  CHECK_FALSE(signed_peer_entry::sign(e, key_of(2)).has_value());

  auto tampered = e;
  tampered.add_tag(tag::from("evil"));
  CHECK_FALSE(signed_peer_entry::unverified(tampered, s.sig()).verify());
  auto bumped = e;
  bumped.bump_version(millis{10});
  CHECK_FALSE(signed_peer_entry::unverified(bumped, s.sig()).verify());
  auto sig = s.sig();
  sig.raw[7] ^= 1;
  CHECK_FALSE(signed_peer_entry::unverified(e, sig).verify());
  // Another peer's valid signature over the same content.
  auto other = key_of(3);
  auto claimed = peer_entry{"mosaik-cpp/test", test_network(), other.public_id(), {1, 2}};
  CHECK_FALSE(signed_peer_entry::unverified(claimed, s.sig()).verify());
}

TEST_CASE("departure: signed over network, peer, version and time") {
  auto key = key_of(1);
  auto d = departure::sign(test_network(), key, {1, 2}, millis{3});
  CHECK(d.verify());
  CHECK(d.peer() == key.public_id());
  auto forged = [&](auto... args) { return departure::unverified(args..., d.sig()).verify(); };
  CHECK(forged(test_network(), key.public_id(), entry_version{1, 2}, millis{3}));
  CHECK_FALSE(forged(network_id::from("other"), key.public_id(), entry_version{1, 2}, millis{3}));
  CHECK_FALSE(forged(test_network(), key_of(2).public_id(), entry_version{1, 2}, millis{3}));
  CHECK_FALSE(forged(test_network(), key.public_id(), entry_version{1, 3}, millis{3}));
  CHECK_FALSE(forged(test_network(), key.public_id(), entry_version{1, 2}, millis{4}));
}

TEST_CASE("limits: each bound is reported with its own reason") {
  auto key = key_of(1);
  limits lim;
  lim.max_tags = 2;
  lim.max_streams = 1;
  lim.max_groups = 1;
  lim.max_tickets = 1;
  lim.max_addresses = 1;
  lim.max_ticket_bytes = 4;
  lim.max_protocol_bytes = 16;
  auto e = entry_of(key, 1, 1);
  CHECK_FALSE(check_limits(e, lim).has_value());
  auto broken = [&](auto mutate) {
    auto c = e;
    mutate(c);
    return check_limits(c, lim);
  };
  CHECK(broken([](peer_entry& c) {
    for (auto n : {"a", "b", "c"})
      c.add_tag(tag::from(n));
  }) == rejection::too_many_tags);
  CHECK(broken([](peer_entry& c) {
    c.add_stream(stream_id::from("a"));
    c.add_stream(stream_id::from("b"));
  }) == rejection::too_many_streams);
  CHECK(broken([](peer_entry& c) {
    c.add_group(group_id::from("a"));
    c.add_group(group_id::from("b"));
  }) == rejection::too_many_groups);
  CHECK(broken([](peer_entry& c) {
    c.add_ticket({unique_id::from("a"), {}});
    c.add_ticket({unique_id::from("b"), {}});
  }) == rejection::too_many_tickets);
  CHECK(broken([](peer_entry& c) { c.add_address({"10.0.0.9", 1}); })
        == rejection::too_many_addresses);
  CHECK(broken([](peer_entry& c) { c.add_ticket({unique_id::from("a"), bytes(5, 0)}); })
        == rejection::field_too_long);
  CHECK(check_limits(peer_entry{std::string(17, 'p'), test_network(), key.public_id(), {}}, lim)
        == rejection::field_too_long);
  peer_entry nul_host{"p", test_network(), key.public_id(), {}};
  nul_host.add_address({std::string("host\0x", 6), 1});
  CHECK(check_limits(nul_host, lim) == rejection::bad_text);
  CHECK(check_limits(peer_entry{std::string("p\0", 2), test_network(), key.public_id(), {}}, lim)
        == rejection::bad_text);
  lim.max_entry_bytes = 100;
  CHECK(broken([](peer_entry& c) { c.add_ticket({unique_id::from("a"), bytes(4, 0)}); })
        == rejection::entry_too_large);
}

TEST_CASE("config: defaults follow FEATURES.md 11.2 and pass the check") {
  config cfg;
  CHECK(cfg.announce_interval == millis{45'000});
  CHECK(cfg.announce_jitter == 0.5);
  CHECK(cfg.purge_after == millis{300'000});
  CHECK(cfg.max_time_drift == millis{50'000});
  CHECK(cfg.events_backlog == 100);
  CHECK(cfg.rtt_probe_interval == millis{30'000});
  CHECK_FALSE(cfg.max_rtt.has_value());
  CHECK(cfg.gossip_peers == 8);
  CHECK_FALSE(check(cfg).has_value());
  cfg.purge_after = millis{60'000}; // shorter than the longest announce gap
  CHECK(check(cfg).has_value());
  cfg = config{};
  cfg.min_gossip_peers = 9;
  CHECK(check(cfg).has_value());
}
