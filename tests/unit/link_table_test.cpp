#include "actors/core/link/link_table.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::link;
using namespace std::chrono_literals;
using wire::close_reason;
using wire::frame_kind;

namespace {

peer_id peer_of(std::uint8_t fill) {
  std::array<std::uint8_t, peer_id::size> b;
  b.fill(fill);
  return *peer_id::from_bytes(b);
}

bytes u64(std::uint64_t x) {
  bytes out(8);
  for (int i = 7; i >= 0; --i, x >>= 8)
    out[static_cast<size_t>(i)] = static_cast<std::uint8_t>(x);
  return out;
}

link_config config() {
  link_config cfg;
  cfg.heartbeat_miss_budget = 3;
  cfg.receive_window = 4000;
  cfg.send_backlog = 1000;
  return cfg;
}

const time_point t0{};

/// A table with one link to peer 1 on connection 7, its opening grant taken.
link_table one_link() {
  link_table t{config()};
  t.establish(peer_of(1), 7, {"10.0.0.1", 1}, side::dialer);
  t.take_output();
  return t;
}

wire::frame data(std::size_t size) {
  return {frame_kind::stream, 0, bytes(size), std::nullopt};
}

} // namespace

TEST_CASE("link table: a new link grants its window and numbers its frames") {
  link_table t{config()};
  t.establish(peer_of(1), 7, {"10.0.0.1", 1}, side::acceptor);
  auto out = t.take_output();
  REQUIRE(out.writes.size() == 1);
  CHECK(out.writes[0].conn == 7);
  CHECK(out.writes[0].frame.kind == frame_kind::credit);
  CHECK(out.writes[0].frame.payload == u64(4000));
  CHECK(out.writes[0].frame.sequence == 1);
  t.send(peer_of(1), frame_kind::peers, {}, {});
  CHECK(t.take_output().writes.at(0).frame.sequence == 2);
  CHECK(t.peer_on(7) == peer_of(1));
  CHECK(t.at(peer_of(1)).our_side == side::acceptor);
  REQUIRE(t.remove(peer_of(1)));
  CHECK_FALSE(t.peer_on(7));
  CHECK_FALSE(t.remove(peer_of(1)));
  CHECK(t.empty());
}

TEST_CASE("link table: heartbeats are answered and their acks give RTT samples") {
  auto t = one_link();
  t.on_heartbeat(peer_of(1), 42);
  auto ack = t.take_output();
  REQUIRE(ack.writes.size() == 1);
  CHECK(ack.writes[0].frame.kind == frame_kind::heartbeat_ack);
  CHECK(ack.writes[0].frame.payload == u64(42));

  t.tick(t0);
  auto beat = t.take_output();
  REQUIRE(beat.writes.size() == 1);
  CHECK(beat.writes[0].frame.kind == frame_kind::heartbeat);
  auto seq = beat.writes[0].frame.sequence;
  CHECK(t.on_ack(peer_of(1), u64(seq + 100), t0 + 5ms)); // never sent: ignored
  CHECK(t.take_output().rtts.empty());
  CHECK(t.on_ack(peer_of(1), u64(seq), t0 + 3ms));
  auto rtt = t.take_output().rtts;
  REQUIRE(rtt.size() == 1);
  CHECK(rtt[0].sample == 3ms);
  CHECK(t.at(peer_of(1)).rtt.srtt() == 3ms);
  CHECK(t.on_ack(peer_of(1), u64(seq), t0 + 4ms)); // a duplicate
  CHECK(t.take_output().rtts.empty());
  CHECK_FALSE(t.on_ack(peer_of(1), bytes(3), t0));
}

TEST_CASE("link table: a link silent past its budget is closed, any frame keeps it") {
  auto t = one_link();
  for (int i = 0; i < 10; ++i) {
    t.heard(peer_of(1));
    t.tick(t0);
    CHECK(t.take_output().closes.empty());
  }
  t.tick(t0);
  t.tick(t0);
  CHECK(t.take_output().closes.empty());
  t.tick(t0);
  auto out = t.take_output();
  REQUIRE(out.closes.size() == 1);
  CHECK(out.closes[0].peer == peer_of(1));
  CHECK(out.closes[0].reason == close_reason::heartbeat_timeout);
  CHECK(t.at(peer_of(1)).pings.size() <= 4); // pings kept at most: budget + 1
}

TEST_CASE("link table: data waits for credit and goes when it is granted") {
  auto t = one_link();
  CHECK(t.offer(peer_of(1), data(100)) == send_window::outcome::queued); // no credit yet
  CHECK(t.take_output().writes.empty());
  CHECK(t.on_credit(peer_of(1), u64(frame_cost(100))));
  auto out = t.take_output();
  REQUIRE(out.writes.size() == 1);
  CHECK(out.writes[0].frame.kind == frame_kind::stream);
  CHECK(t.offer(peer_of(1), data(700)) == send_window::outcome::queued);
  CHECK(t.offer(peer_of(1), data(300)) == send_window::outcome::full); // past the backlog
  CHECK(t.on_credit(peer_of(1), u64(frame_cost(700))));
  out = t.take_output();
  CHECK(out.writes.size() == 1);
  CHECK(out.writable == std::vector<peer_id>{peer_of(1)}); // refused senders may try again
  CHECK_FALSE(t.on_credit(peer_of(1), bytes(9)));
}

TEST_CASE("link table: data past the granted window closes the link") {
  auto t = one_link();
  CHECK(t.arrived(peer_of(1), 3000));
  CHECK(t.take_output().closes.empty());
  CHECK_FALSE(t.arrived(peer_of(1), 1001));
  auto out = t.take_output();
  REQUIRE(out.closes.size() == 1);
  CHECK(out.closes[0].reason == close_reason::protocol_violation);
}

TEST_CASE("link table: consumed data is granted back in batches, only on its own link") {
  auto t = one_link();
  auto id = t.at(peer_of(1)).id;
  CHECK(t.arrived(peer_of(1), 2000));
  t.consumed(peer_of(1), id, 500); // under a quarter of the window: waits
  CHECK(t.take_output().writes.empty());
  t.consumed(peer_of(1), id + 1, 1500); // an older link's answer
  CHECK(t.take_output().writes.empty());
  t.consumed(peer_of(1), id, 1500);
  auto out = t.take_output();
  REQUIRE(out.writes.size() == 1);
  CHECK(out.writes[0].frame.kind == frame_kind::credit);
  CHECK(out.writes[0].frame.payload == u64(2000));
}
