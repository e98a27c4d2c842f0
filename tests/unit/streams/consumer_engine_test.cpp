// The consumer's engine: which producers it subscribes to and drops, the
// close-code table, retries with backoff, order, gaps, duplicates and the
// credit window.
#include "actors/core/streams/consumer_engine.hpp"

#include "tests/unit/streams/fixtures.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::streams;
using namespace mosaik::streams::testing;

namespace {

const peer_id self = peer_of(100);

consumer_config config_with(consumer_options o = {}) {
  return {test_network(), test_stream(), self, o, {}, minimum_of(0), 5};
}

/// A consumer engine and the producers' side of the conversation.
struct harness {
  consumer_engine e;
  millis now{0};

  explicit harness(consumer_config cfg = config_with()) : e(std::move(cfg)) { e.take_output(); }

  consumer_output catalog(std::vector<peer_description> peers) {
    e.on_catalog(peers, now);
    return e.take_output();
  }
  /// The catalog lists producer n; returns its subscribe.
  subscribe subscribed_to(std::uint8_t n) {
    auto out = catalog({describe(n)});
    return only<subscribe>(out.messages, peer_of(n));
  }
  consumer_output from(std::uint8_t n, stream_message m) {
    e.on_message(peer_of(n), m, now);
    return e.take_output();
  }
  /// Producer n accepts at `next_seq` in `epoch`; returns the subscription.
  subscribe connected_to(std::uint8_t n, std::uint64_t next_seq = 1, std::uint64_t epoch = 7) {
    auto s = subscribed_to(n);
    from(n, accepted{s.sub, epoch, next_seq});
    return s;
  }
};

batch batch_of(subscription_id sub, std::uint64_t first, std::size_t n) {
  batch b{sub, first, {}};
  for (std::size_t k = 0; k < n; ++k)
    b.datums.push_back(datum_of(4, static_cast<std::uint8_t>(first + k)));
  return b;
}

std::vector<std::uint8_t> firsts(const consumer_output& out) {
  std::vector<std::uint8_t> got;
  for (const auto& d : out.deliveries)
    for (const auto& datum : d.datums)
      got.push_back((*datum)[0]);
  return got;
}

} // namespace

TEST_CASE("the consumer subscribes once to every producer of its stream that qualifies") {
  auto cfg = config_with();
  cfg.require = [](const peer_description& p) { return !p.entry.tags().contains(tag::from("bad")); };
  harness h{cfg};
  auto out = h.catalog({describe(1), describe(2, {"bad"}), describe(3, {}, false),
                        describe(100), describe(4)});
  CHECK(sent<subscribe>(out.messages, peer_of(1)).size() == 1);
  CHECK(sent<subscribe>(out.messages, peer_of(4)).size() == 1);
  CHECK(out.messages.size() == 2);
  auto s = only<subscribe>(out.messages, peer_of(1));
  CHECK(s.network == test_network());
  CHECK(s.stream == test_stream());
  CHECK(s.initial_credit == 1024);
  out = h.catalog({describe(1), describe(4)});
  CHECK(out.messages.empty());
  CHECK(h.e.channels().size() == 2);
}

TEST_CASE("a producer without an RTT sample is probed before it is decided") {
  harness h;
  auto out = h.catalog({describe(1, {}, true, -1)});
  CHECK(out.messages.empty());
  CHECK(out.rtt_probes == std::vector{peer_of(1)});
  out = h.catalog({describe(1, {}, true, -1)});
  CHECK(out.rtt_probes.empty());  // one probe in flight is enough
  h.now += 5s;
  CHECK(h.catalog({describe(1, {}, true, -1)}).rtt_probes == std::vector{peer_of(1)});
  out = h.catalog({describe(1)});
  CHECK(sent<subscribe>(out.messages, peer_of(1)).size() == 1);
}

TEST_CASE("the consumer drops producers that leave, stop listing or stop qualifying") {
  auto cfg = config_with();
  cfg.require = [](const peer_description& p) { return !p.entry.tags().contains(tag::from("bad")); };
  harness h{cfg};
  auto s1 = h.connected_to(1);
  h.catalog({describe(1), describe(2), describe(3)});
  auto out = h.catalog({describe(2, {}, false), describe(3, {"bad"})});
  CHECK(only<unsubscribe>(out.messages, peer_of(1)).sub == s1.sub);
  CHECK(only<unsubscribe>(out.messages, peer_of(2)).code == close_code::cancelled);
  CHECK(sent<unsubscribe>(out.messages, peer_of(3)).size() == 1);
  CHECK(out.ended.size() == 3);
  CHECK(h.e.channels().empty());
}

TEST_CASE("batches are delivered in order and a jump reports a gap of its size") {
  harness h;
  auto s = h.connected_to(1);
  auto out = h.from(1, batch_of(s.sub, 1, 3));
  CHECK(firsts(out) == std::vector<std::uint8_t>{1, 2, 3});
  CHECK(out.gaps.empty());
  out = h.from(1, batch_of(s.sub, 6, 2));
  CHECK(out.gaps == std::vector{gap{peer_of(1), 4, 2, gap_cause::lagging}});
  CHECK(firsts(out) == std::vector<std::uint8_t>{6, 7});
  CHECK(h.e.counters().datums_missed == 2);
  CHECK(h.e.counters().items_received == 5);
}

TEST_CASE("datums already delivered are dropped") {
  harness h;
  auto s = h.connected_to(1);
  h.from(1, batch_of(s.sub, 1, 4));
  auto out = h.from(1, batch_of(s.sub, 3, 4));
  CHECK(firsts(out) == std::vector<std::uint8_t>{5, 6});
  CHECK(out.gaps.empty());
  out = h.from(1, batch_of(s.sub, 2, 2));
  CHECK(out.deliveries.empty());
  CHECK(h.e.counters().duplicates_dropped == 4);
  CHECK(h.e.counters().items_received == 6);
}

TEST_CASE("credit goes back once half a window is consumed and the window bounds the producer") {
  consumer_options o;
  o.receive_window = 8;
  harness h{config_with(o)};
  auto s = h.subscribed_to(1);
  CHECK(s.initial_credit == 8);
  h.from(1, accepted{s.sub, 7, 1});
  h.from(1, batch_of(s.sub, 1, 8));
  h.e.consumed(peer_of(1), 3, 12);
  CHECK(h.e.take_output().messages.empty());
  h.e.consumed(peer_of(1), 1, 4);
  CHECK(only<credit>(h.e.take_output().messages, peer_of(1)) == credit{s.sub, 4, 16});
  CHECK(h.e.channels().front().window_used == 8);
  auto out = h.from(1, batch_of(s.sub, 9, 5));
  CHECK(only<unsubscribe>(out.messages, peer_of(1)).code == close_code::protocol_violation);
  CHECK(out.deliveries.empty());
  CHECK(h.e.channels().empty());
}

TEST_CASE("a resubscription asks only for what the window has left") {
  consumer_options o;
  o.receive_window = 8;
  harness h{config_with(o)};
  auto s = h.connected_to(1);
  h.from(1, batch_of(s.sub, 1, 6));
  h.from(1, stream_close{s.sub, close_code::too_slow, ""});
  h.now += 1s;
  h.e.tick(h.now);
  auto again = only<subscribe>(h.e.take_output().messages, peer_of(1));
  CHECK(again.sub != s.sub);
  CHECK(again.initial_credit == 2);
}

TEST_CASE("close codes end the channel or retry it as the table says") {
  struct row {
    close_code code;
    bool terminated;
  };
  for (auto [code, terminated] : {row{close_code::not_allowed, true},
                                  row{close_code::graceful_shutdown, true},
                                  row{close_code::stream_not_found, true},
                                  row{close_code::different_network, true},
                                  row{close_code::unknown_peer, false},
                                  row{close_code::too_slow, false},
                                  row{close_code::no_capacity, false},
                                  row{close_code::protocol_violation, false}}) {
    CAPTURE(to_string(code));
    harness h;
    auto s = h.connected_to(1);
    auto out = h.from(1, stream_close{s.sub, code, "why"});
    REQUIRE(out.ended.size() == 1);
    CHECK(out.ended[0].code == code);
    CHECK(out.ended[0].terminated == terminated);
    CHECK(out.catalog_syncs.size() == (code == close_code::unknown_peer ? 1u : 0u));
    CHECK(h.e.channels().size() == (terminated ? 0u : 1u));
    if (!terminated) {
      auto at = *out.ended[0].retry_at;
      CHECK(at >= 250ms);
      CHECK(at <= 750ms);
      CHECK(h.e.next_tick() == at);
      h.now = at - 1ms;
      h.e.tick(h.now);
      CHECK(h.e.take_output().messages.empty());
      h.now = at;
      h.e.tick(h.now);
      CHECK(only<subscribe>(h.e.take_output().messages, peer_of(1)).sub != s.sub);
    }
  }
}

TEST_CASE("a terminated channel is opened afresh by a later catalog change") {
  harness h;
  auto s = h.connected_to(1);
  h.from(1, stream_close{s.sub, close_code::not_allowed, ""});
  auto out = h.catalog({describe(1)});
  CHECK(only<subscribe>(out.messages, peer_of(1)).sub != s.sub);
}

TEST_CASE("messages of an earlier attempt are told to unsubscribe") {
  harness h;
  auto s = h.connected_to(1);
  h.e.link_down(peer_of(1), h.now);
  h.now += 1s;
  h.e.tick(h.now);
  auto fresh = only<subscribe>(h.e.take_output().messages, peer_of(1));
  auto out = h.from(1, batch_of(s.sub, 1, 2));
  CHECK(out.deliveries.empty());
  CHECK(only<unsubscribe>(out.messages, peer_of(1)).sub == s.sub);
  out = h.from(1, accepted{fresh.sub, 7, 1});
  CHECK(out.messages.empty());
  CHECK(h.e.channels().front().state == channel_state::connected);
}

TEST_CASE("a reconnect past the last datum and a restart report gaps") {
  harness h;
  auto s = h.connected_to(1, 1, 7);
  h.from(1, batch_of(s.sub, 1, 3));
  h.from(1, stream_close{s.sub, close_code::too_slow, ""});
  h.now += 1s;
  h.e.tick(h.now);
  auto again = only<subscribe>(h.e.take_output().messages, peer_of(1));
  auto out = h.from(1, accepted{again.sub, 7, 10});
  CHECK(out.gaps == std::vector{gap{peer_of(1), 4, 6, gap_cause::reconnect}});
  h.e.link_down(peer_of(1), h.now);
  h.now += 2s;
  h.e.tick(h.now);
  auto third = only<subscribe>(h.e.take_output().messages, peer_of(1));
  out = h.from(1, accepted{third.sub, 8, 5});
  CHECK(out.gaps == std::vector{gap{peer_of(1), 1, 4, gap_cause::restart}});
  out = h.from(1, batch_of(third.sub, 5, 1));
  CHECK(out.gaps.empty());
  CHECK(firsts(out) == std::vector<std::uint8_t>{5});
}

TEST_CASE("a first subscription joins the stream where it is") {
  harness h;
  auto s = h.connected_to(1, 500);
  auto out = h.from(1, batch_of(s.sub, 500, 1));
  CHECK(out.gaps.empty());
  CHECK(out.deliveries.size() == 1);
}

TEST_CASE("a handshake without an answer is retried") {
  harness h;
  auto s = h.subscribed_to(1);
  CHECK(h.e.next_tick() == 5000ms);
  h.now = 5000ms;
  h.e.tick(h.now);
  auto out = h.e.take_output();
  CHECK(only<unsubscribe>(out.messages, peer_of(1)).sub == s.sub);
  REQUIRE(out.ended.size() == 1);
  CHECK_FALSE(out.ended[0].terminated);
}

TEST_CASE("each producer's channel backs off on its own and gives up after 300 s") {
  harness h;
  h.catalog({describe(1), describe(2)});
  h.e.on_message(peer_of(2), accepted{h.e.channels()[1].sub, 7, 1}, h.now);
  h.e.take_output();
  bool gave_up = false;
  for (int round = 0; round < 100 && !gave_up; ++round) {
    h.e.link_down(peer_of(1), h.now);
    auto out = h.e.take_output();
    REQUIRE(out.ended.size() == 1);
    if (out.ended[0].terminated) {
      gave_up = true;
      break;
    }
    h.now = *out.ended[0].retry_at;
    h.e.tick(h.now);
    auto s = only<subscribe>(h.e.take_output().messages, peer_of(1));
    h.e.on_message(peer_of(1), accepted{s.sub, 7, 1}, h.now);
  }
  CHECK(gave_up);
  CHECK(h.now <= 300s);
  CHECK(h.now > 240s);
  REQUIRE(h.e.channels().size() == 1);
  CHECK(h.e.channels()[0].producer == peer_of(2));
  CHECK(h.e.channels()[0].state == channel_state::connected);
}

TEST_CASE("a datum after a connect resets the backoff") {
  harness h;
  auto s = h.connected_to(1);
  for (int k = 0; k < 6; ++k) {
    h.e.link_down(peer_of(1), h.now);
    auto out = h.e.take_output();
    h.now = *out.ended[0].retry_at;
    h.e.tick(h.now);
    s = only<subscribe>(h.e.take_output().messages, peer_of(1));
    h.from(1, accepted{s.sub, 7, 1});
  }
  h.from(1, batch_of(s.sub, 1, 1));
  h.e.link_down(peer_of(1), h.now);
  auto wait = *h.e.take_output().ended[0].retry_at - h.now;
  CHECK(wait <= 750ms);
}

TEST_CASE("the consumer's online condition fires on its edges") {
  auto cfg = config_with();
  cfg.online_when = minimum_of(1);
  consumer_engine e{cfg};
  CHECK(e.take_output().online_edges.empty());
  e.on_catalog(std::vector{describe(1)}, 0ms);
  auto s = only<subscribe>(e.take_output().messages, peer_of(1));
  CHECK_FALSE(e.online());
  e.on_message(peer_of(1), accepted{s.sub, 7, 1}, 0ms);
  CHECK(e.take_output().online_edges == std::vector{condition_edge::became_met});
  e.link_down(peer_of(1), 0ms);
  CHECK(e.take_output().online_edges == std::vector{condition_edge::became_unmet});
}

TEST_CASE("a consumer is online at once by default and unsubscribes everywhere on shutdown") {
  consumer_engine e{config_with()};
  CHECK(e.take_output().online_edges == std::vector{condition_edge::became_met});
  e.on_catalog(std::vector{describe(1), describe(2)}, 0ms);
  e.take_output();
  e.shutdown();
  auto out = e.take_output();
  CHECK(sent<unsubscribe>(out.messages, peer_of(1)).size() == 1);
  CHECK(sent<unsubscribe>(out.messages, peer_of(2)).size() == 1);
  e.on_catalog(std::vector{describe(3)}, 0ms);
  CHECK(e.take_output().messages.empty());
}

TEST_CASE("a catalog change re-evaluates online_when over the connected producers") {
  auto cfg = config_with();
  cfg.online_when = minimum_of(1).with_tags({tag::from("eu")});
  consumer_engine e{cfg};
  e.on_catalog(std::vector{describe(1, {"eu"})}, 0ms);
  auto s = only<subscribe>(e.take_output().messages, peer_of(1));
  e.on_message(peer_of(1), accepted{s.sub, 7, 1}, 0ms);
  CHECK(e.take_output().online_edges == std::vector{condition_edge::became_met});
  e.on_catalog(std::vector{describe(1)}, 0ms);
  auto out = e.take_output();
  CHECK(out.online_edges == std::vector{condition_edge::became_unmet});
  CHECK(out.messages.empty());  // still subscribed: require holds
  e.on_catalog(std::vector{describe(1, {"eu"})}, 0ms);
  CHECK(e.take_output().online_edges == std::vector{condition_edge::became_met});
}

namespace {

batch sized(subscription_id sub, std::uint64_t first, std::vector<std::size_t> sizes) {
  batch b{sub, first, {}};
  for (auto n : sizes)
    b.datums.push_back(datum_of(n));
  return b;
}

} // namespace

TEST_CASE("the byte window bounds the producer and the credit restores it") {
  consumer_options o;
  o.receive_window = 100;
  o.receive_window_bytes = 100;
  harness h{config_with(o)};
  auto s = h.subscribed_to(1);
  CHECK(s.initial_credit_bytes == std::optional<std::uint64_t>{100});
  h.from(1, accepted{s.sub, 7, 1});
  auto out = h.from(1, sized(s.sub, 1, {40, 40, 40})); // the third overdraws by 20
  CHECK(out.deliveries.size() == 1);
  CHECK(h.e.channels().front().window_bytes_used == 120);
  h.e.consumed(peer_of(1), 1, 40);
  CHECK(h.e.take_output().messages.empty()); // 40 short of the window: under half
  h.e.consumed(peer_of(1), 1, 40);
  CHECK(only<credit>(h.e.take_output().messages, peer_of(1)) == credit{s.sub, 2, 80});
  CHECK(h.e.channels().front().window_bytes_used == 100);
  // What the producer may send now: 60 bytes, a datum past them, no more.
  h.from(1, sized(s.sub, 4, {50, 50}));
  out = h.from(1, sized(s.sub, 6, {1}));
  CHECK(only<unsubscribe>(out.messages, peer_of(1)).code == close_code::protocol_violation);
  CHECK(h.e.channels().empty());
}

TEST_CASE("a resubscription asks only for the bytes the window has left") {
  consumer_options o;
  o.receive_window_bytes = 100;
  harness h{config_with(o)};
  auto s = h.connected_to(1);
  h.from(1, sized(s.sub, 1, {30, 30}));
  h.from(1, stream_close{s.sub, close_code::too_slow, ""});
  h.now += 1s;
  h.e.tick(h.now);
  auto again = only<subscribe>(h.e.take_output().messages, peer_of(1));
  CHECK(again.initial_credit_bytes == std::optional<std::uint64_t>{40});
}
