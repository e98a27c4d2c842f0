#include "actors/core/link/dial_table.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::link;
using namespace std::chrono_literals;
using wire::close_reason;

namespace {

peer_id peer_of(std::uint8_t fill) {
  std::array<std::uint8_t, peer_id::size> b;
  b.fill(fill);
  return *peer_id::from_bytes(b);
}

wire::endpoint at(std::uint16_t port) {
  return {"10.0.0.1", port};
}

link_config config() {
  link_config cfg;
  cfg.reconnect = backoff_config{100ms, 1s, 2.0, 0.5};
  cfg.max_learned_dials = 2;
  cfg.max_dial_failures = 3;
  return cfg;
}

/// The one connect the table asked for, checked to be the only request.
dial_output::connect only_connect(dial_table& t) {
  auto out = t.take_output();
  REQUIRE(out.connects.size() == 1);
  CHECK(out.retries.empty());
  CHECK(out.forgotten.empty());
  return out.connects.front();
}

dial_output::retry only_retry(dial_table& t) {
  auto out = t.take_output();
  REQUIRE(out.retries.size() == 1);
  CHECK(out.connects.empty());
  CHECK(out.forgotten.empty());
  return out.retries.front();
}

/// Fails the running attempt of `dial` and fires its retry timer: the next
/// connect. Returns the delay the table asked for.
duration fail_and_retry(dial_table& t, std::uint64_t dial, std::mt19937_64& rng) {
  t.on_connected(dial);
  t.on_failed(dial, close_reason::connection_lost, rng);
  auto r = only_retry(t);
  CHECK(r.dial == dial);
  t.on_retry_timer(r.dial, r.attempt);
  CHECK(only_connect(t).dial == dial);
  return r.delay;
}

} // namespace

TEST_CASE("dial table: an address is connected once and merged when added again") {
  dial_table t{config()};
  t.add({std::nullopt, at(1)}, false);
  auto c = only_connect(t);
  CHECK(c.to == at(1));
  CHECK(t.entries().at(c.dial).current == dial_table::entry::phase::connecting);
  t.add({peer_of(7), at(1)}, true);
  CHECK(t.take_output().empty());
  REQUIRE(t.size() == 1);
  const auto& d = t.entries().at(c.dial);
  CHECK(d.persistent);
  CHECK(d.address.peer == peer_of(7));
  t.on_connected(c.dial);
  CHECK(d.current == dial_table::entry::phase::handshaking);
}

TEST_CASE("dial table: failures retry after growing delays within the jitter and the cap") {
  dial_table t{config()};
  std::mt19937_64 rng{1};
  t.add({std::nullopt, at(1)}, true);
  auto id = only_connect(t).dial;
  duration base = 100ms;
  for (int i = 0; i < 8; ++i) {
    auto delay = fail_and_retry(t, id, rng);
    CHECK(delay <= base);
    CHECK(delay >= base / 2);
    base = std::min<duration>(base * 2, 1s);
  }
  CHECK(t.size() == 1); // a persistent address is never given up
}

TEST_CASE("dial table: a timer of an older attempt is ignored") {
  dial_table t{config()};
  std::mt19937_64 rng{2};
  t.add({std::nullopt, at(1)}, true);
  auto id = only_connect(t).dial;
  t.on_failed(id, close_reason::handshake_timeout, rng);
  auto first = only_retry(t);
  t.on_retry_timer(id, first.attempt - 1);
  CHECK(t.take_output().empty());
  t.on_retry_timer(id, first.attempt);
  CHECK(only_connect(t).dial == id);
  t.on_retry_timer(id, first.attempt); // fired twice: that attempt is under way already
  CHECK(t.take_output().empty());
}

TEST_CASE("dial table: a learned address is given up after the failure limit") {
  dial_table t{config()};
  std::mt19937_64 rng{3};
  t.add({peer_of(1), at(1)}, false);
  auto id = only_connect(t).dial;
  fail_and_retry(t, id, rng);
  fail_and_retry(t, id, rng);
  t.on_failed(id, close_reason::connection_lost, rng);
  auto out = t.take_output();
  REQUIRE(out.forgotten.size() == 1);
  CHECK(out.retries.empty());
  CHECK(out.forgotten[0].address == peer_address{peer_of(1), at(1)});
  CHECK_FALSE(out.forgotten[0].self_connection);
  CHECK(out.forgotten[0].failures == 3);
  CHECK(t.empty());
}

TEST_CASE("dial table: a link in between starts the failure count and the backoff again") {
  dial_table t{config()};
  std::mt19937_64 rng{4};
  t.add({std::nullopt, at(1)}, false);
  auto id = only_connect(t).dial;
  fail_and_retry(t, id, rng);
  fail_and_retry(t, id, rng);
  t.on_connected(id);
  t.on_linked(id, peer_of(5));
  t.on_link_up(peer_of(5));
  t.on_link_down(peer_of(5), at(1), close_reason::heartbeat_timeout, rng);
  auto r = only_retry(t);
  CHECK(r.delay <= 100ms); // from the initial delay again
  t.on_retry_timer(id, r.attempt);
  only_connect(t);
  fail_and_retry(t, id, rng); // two more failures are still within the limit of three
  t.on_failed(id, close_reason::connection_lost, rng);
  CHECK(t.take_output().retries.size() == 1);
}

TEST_CASE("dial table: dialling oneself is given up at once, even for a bootstrap address") {
  dial_table t{config()};
  std::mt19937_64 rng{5};
  t.add({std::nullopt, at(1)}, true);
  auto id = only_connect(t).dial;
  t.on_connected(id);
  t.on_failed(id, close_reason::self_connection, rng);
  auto out = t.take_output();
  REQUIRE(out.forgotten.size() == 1);
  CHECK(out.forgotten[0].self_connection);
  CHECK(t.empty());
}

TEST_CASE("dial table: learned addresses are bounded, bootstrap addresses are not") {
  dial_table t{config()};
  t.add({std::nullopt, at(1)}, false);
  t.add({std::nullopt, at(2)}, false);
  CHECK(t.take_output().connects.size() == 2);
  t.add({std::nullopt, at(3)}, false);
  auto refused = t.take_output();
  CHECK(refused.refused == 1);
  CHECK(refused.connects.empty());
  t.add({std::nullopt, at(4)}, true);
  CHECK(only_connect(t).to == at(4));
  CHECK(t.size() == 3);
}

TEST_CASE("dial table: a lost link is re-dialled, a departed or released one only from bootstrap") {
  std::mt19937_64 rng{6};
  dial_table t{config()};
  t.on_link_up(peer_of(1));
  t.on_link_down(peer_of(1), at(1), close_reason::connection_lost, rng);
  auto c = only_connect(t); // the lost peer's address is learned
  CHECK(t.entries().at(c.dial).address == peer_address{peer_of(1), at(1)});
  t.on_link_down(peer_of(1), at(1), close_reason::departing, rng);
  CHECK(t.empty());
  t.on_link_down(peer_of(2), at(2), close_reason::released, rng);
  t.on_link_down(peer_of(3), {"10.0.0.1", 0}, close_reason::connection_lost, rng); // no listen port
  CHECK(t.take_output().empty());
  CHECK(t.empty());

  t.add({std::nullopt, at(4)}, true);
  auto id = only_connect(t).dial;
  t.on_connected(id);
  t.on_linked(id, peer_of(4));
  t.on_link_up(peer_of(4));
  t.on_link_down(peer_of(4), at(4), close_reason::departing, rng);
  CHECK(only_retry(t).dial == id);
  CHECK(t.size() == 1);
}

TEST_CASE("dial table: a dial whose peer is linked already waits without connecting") {
  std::mt19937_64 rng{7};
  dial_table t{config()};
  t.add({peer_of(1), at(1)}, true);
  auto id = only_connect(t).dial;
  t.on_failed(id, close_reason::connection_lost, rng);
  auto r = only_retry(t);
  t.on_link_up(peer_of(1)); // the peer dialled us meanwhile
  t.on_retry_timer(id, r.attempt);
  CHECK(t.take_output().empty());
  CHECK(t.entries().at(id).current == dial_table::entry::phase::linked);
  CHECK(t.pins(peer_of(1)));
  t.on_link_down(peer_of(1), at(9), close_reason::connection_lost, rng);
  CHECK(only_retry(t).dial == id);
}

TEST_CASE("dial table: a dial in its handshake reaches its named peer or whoever answered") {
  dial_table t{config()};
  t.add({peer_of(1), at(1)}, false);
  t.add({std::nullopt, at(2)}, false);
  auto out = t.take_output();
  REQUIRE(out.connects.size() == 2);
  auto named = out.connects[0].dial;
  auto unnamed = out.connects[1].dial;
  CHECK_FALSE(t.handshaking_with(peer_of(1))); // still connecting
  t.on_connected(named);
  t.on_connected(unnamed);
  CHECK(t.handshaking_with(peer_of(1)));
  CHECK_FALSE(t.handshaking_with(peer_of(2)));
  t.on_answered(unnamed, peer_of(2));
  CHECK(t.handshaking_with(peer_of(2)));
  CHECK(t.address(unnamed)->endpoint == at(2));
  CHECK(t.address(99) == nullptr);
  CHECK_FALSE(t.pins(peer_of(1))); // learned addresses pin nothing
}

TEST_CASE("dial table: after the departure nothing is dialled") {
  std::mt19937_64 rng{8};
  dial_table t{config()};
  t.add({std::nullopt, at(1)}, true);
  auto id = only_connect(t).dial;
  t.depart();
  t.on_failed(id, close_reason::departing, rng);
  t.add({std::nullopt, at(2)}, true);
  t.on_link_down(peer_of(3), at(3), close_reason::connection_lost, rng);
  CHECK(t.take_output().empty());
  CHECK(t.size() == 2);
}
