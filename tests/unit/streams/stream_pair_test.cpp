// A producer engine and consumer engines talking over a simulated FIFO
// link per pair, driven by a seeded random schedule of sends, deliveries,
// consumption and time. Checks, after every step, that no queue passes its
// bound, and at the end that every consumer got the datums in order, each
// once, and that every datum it did not get was reported in a gap.
#include "actors/core/streams/consumer_engine.hpp"
#include "actors/core/streams/producer_engine.hpp"

#include "tests/unit/streams/fixtures.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <deque>
#include <map>

using namespace mosaik;
using namespace mosaik::streams;
using namespace mosaik::streams::testing;

namespace {

const peer_id producer_peer = peer_of(1);

std::uint64_t value_of(const shared_datum& d) {
  std::uint64_t v = 0;
  REQUIRE(d->size() == sizeof v);
  std::memcpy(&v, d->data(), sizeof v);
  return v;
}

struct world {
  producer_options popts;
  consumer_options copts;
  producer_engine producer;
  std::vector<consumer_engine> consumers;
  std::map<std::pair<peer_id, peer_id>, std::deque<stream_message>> wire;
  std::vector<std::deque<std::uint64_t>> app;   // delivered, not consumed
  std::vector<std::vector<std::uint64_t>> got;  // consumed, in order
  std::vector<std::uint64_t> missed;
  /// How eagerly each consumer's application consumes (out of 100).
  std::vector<std::uint64_t> appetite;
  rng r;
  millis now{0};
  std::uint64_t sent = 0;

  world(std::size_t k, producer_options p, consumer_options c, std::uint64_t seed)
    : popts(p), copts(c), producer(producer_cfg(k, p)), app(k), got(k), missed(k, 0),
      appetite(k, 50), r(seed) {
    for (std::size_t i = 0; i < k; ++i) {
      consumers.emplace_back(
        consumer_config{test_network(), test_stream(), consumer_peer(i), c, {}, minimum_of(0), seed + i});
      consumers.back().on_catalog(std::vector{describe(1)}, now);
    }
    std::vector<peer_description> catalog;
    for (std::size_t i = 0; i < k; ++i)
      catalog.push_back(describe(static_cast<std::uint8_t>(10 + i), {}, false));
    producer.on_catalog(catalog);
    collect();
  }

  static producer_config producer_cfg(std::size_t k, producer_options p) {
    return {test_network(), test_stream(), p, {}, minimum_of(k), 99};
  }
  static peer_id consumer_peer(std::size_t i) { return peer_of(static_cast<std::uint8_t>(10 + i)); }

  void collect() {
    for (auto& m : producer.take_output().messages)
      wire[{producer_peer, m.to}].push_back(std::move(m.msg));
    for (std::size_t i = 0; i < consumers.size(); ++i) {
      auto out = consumers[i].take_output();
      for (auto& m : out.messages)
        wire[{consumer_peer(i), m.to}].push_back(std::move(m.msg));
      for (auto& d : out.deliveries)
        for (auto& datum : d.datums)
          app[i].push_back(value_of(datum));
      for (auto& g : out.gaps)
        missed[i] += g.missing;
    }
  }

  void deliver_one() {
    std::vector<std::pair<peer_id, peer_id>> busy;
    for (auto& [pair, q] : wire)
      if (!q.empty())
        busy.push_back(pair);
    if (busy.empty())
      return;
    auto [from, to] = busy[r.below(busy.size())];
    auto m = std::move(wire[{from, to}].front());
    wire[{from, to}].pop_front();
    if (to == producer_peer) {
      producer.on_message(from, describe(from.raw()[0], {}, false), m, now);
    } else {
      auto i = static_cast<std::size_t>(to.raw()[0] - 10);
      consumers[i].on_message(from, m, now);
    }
  }

  void consume(std::size_t i) {
    auto n = std::min<std::uint64_t>(app[i].size(), 1 + r.below(64));
    std::uint64_t bytes = 0;
    for (std::uint64_t k = 0; k < n; ++k) {
      got[i].push_back(app[i].front());
      bytes += sizeof(std::uint64_t);
      app[i].pop_front();
    }
    consumers[i].consumed(producer_peer, n, bytes);
  }

  void try_send() {
    std::uint64_t v = sent + 1;
    bytes b(sizeof v);
    std::memcpy(b.data(), &v, sizeof v);
    if (producer.try_send(make_datum(std::move(b))).status == send_status::sent)
      ++sent;
  }

  void step(bool sending) {
    auto pick = r.below(100);
    if (sending && pick < 40)
      try_send();
    else if (pick < 80)
      deliver_one();
    else {
      auto i = r.below(consumers.size());
      if (r.below(100) < appetite[i])
        consume(i);
    }
    now += 1ms;
    for (auto& c : consumers)
      c.tick(now);
    collect();
    check_bounds();
  }

  void check_bounds() {
    constexpr std::size_t datum_bytes = sizeof(std::uint64_t);
    for (const auto& ch : producer.consumers()) {
      REQUIRE(ch.queued <= popts.buffer_size);
      REQUIRE(ch.queued_bytes <= std::max(popts.buffer_bytes, datum_bytes));
    }
    for (std::size_t i = 0; i < consumers.size(); ++i) {
      REQUIRE(app[i].size() <= copts.receive_window);
      // The byte credit may be overdrawn by less than one datum.
      REQUIRE(app[i].size() * datum_bytes < copts.receive_window_bytes + datum_bytes);
      for (const auto& ch : consumers[i].channels()) {
        REQUIRE(ch.window_used <= copts.receive_window);
        REQUIRE(ch.window_bytes_used < copts.receive_window_bytes + datum_bytes);
      }
    }
  }

  bool quiet() const {
    for (const auto& [pair, q] : wire)
      if (!q.empty())
        return false;
    for (std::size_t i = 0; i < consumers.size(); ++i) {
      if (!app[i].empty())
        return false;
      auto chans = consumers[i].channels();
      if (chans.size() != 1 || chans[0].state != channel_state::connected)
        return false;
    }
    for (const auto& ch : producer.consumers())
      if (ch.queued > 0)
        return false;
    return true;
  }

  void run(std::size_t steps, std::uint64_t target) {
    for (std::size_t s = 0; s < steps && sent < target; ++s)
      step(true);
    for (auto& a : appetite)
      a = 100;
    for (std::size_t s = 0; s < 2'000'000 && !quiet(); ++s)
      step(false);
    REQUIRE(quiet());
  }

  /// Strictly increasing, within 1..sent, and with the gaps every datum.
  void check_accounted(std::size_t i) const {
    CAPTURE(i);
    for (std::size_t k = 1; k < got[i].size(); ++k)
      REQUIRE(got[i][k - 1] < got[i][k]);
    if (!got[i].empty())
      CHECK(got[i].back() <= sent);
    CHECK(got[i].size() + missed[i] == sent);
  }
};

} // namespace

TEST_CASE("one consumer gets every datum in order under flow control") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    CAPTURE(seed);
    producer_options p;
    p.buffer_size = 16;
    p.max_batch_datums = 8;
    consumer_options c;
    c.receive_window = 32;
    world w{1, p, c, seed};
    w.run(20'000, 3000);
    CHECK(w.sent == 3000);
    CHECK(w.missed[0] == 0);
    REQUIRE(w.got[0].size() == w.sent);
    for (std::uint64_t k = 0; k < w.sent; ++k)
      REQUIRE(w.got[0][k] == k + 1);
  }
}

TEST_CASE("a slow consumer loses datums only in reported gaps when its oldest are dropped") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    CAPTURE(seed);
    producer_options p;
    p.buffer_size = 8;
    p.disconnect_lagging = false;
    consumer_options c;
    c.receive_window = 16;
    world w{3, p, c, seed};
    w.appetite = {100, 100, 5};
    w.run(20'000, 4000);
    CHECK(w.sent > 500);
    for (std::size_t i = 0; i < 3; ++i)
      w.check_accounted(i);
    CHECK(w.missed[2] > 0);
    CHECK(w.got[0].size() > w.got[2].size());
  }
}

TEST_CASE("a slow consumer disconnected as too slow reconnects and reports what it missed") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    CAPTURE(seed);
    producer_options p;
    p.buffer_size = 8;
    consumer_options c;
    c.receive_window = 16;
    world w{2, p, c, seed};
    w.appetite = {100, 5};
    w.run(40'000, 4000);
    CHECK(w.sent > 200);
    w.check_accounted(0);
    w.check_accounted(1);
    CHECK(w.missed[1] > 0);
  }
}

TEST_CASE("byte bounds hold the queues when they bind before the datum counts") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    CAPTURE(seed);
    producer_options p;
    p.buffer_size = 64;
    p.buffer_bytes = 40; // 5 datums of 8 bytes
    p.max_batch_datums = 16;
    consumer_options c;
    c.receive_window = 64;
    c.receive_window_bytes = 60; // 7.5 datums
    world w{1, p, c, seed};
    w.run(20'000, 3000);
    CHECK(w.sent > 1000);
    CHECK(w.missed[0] == 0);
    REQUIRE(w.got[0].size() == w.sent);
    for (std::uint64_t k = 0; k < w.sent; ++k)
      REQUIRE(w.got[0][k] == k + 1);
  }
}
