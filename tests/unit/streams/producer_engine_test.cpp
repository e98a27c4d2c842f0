// The producer's fan-out: admission and its close codes, online edges,
// try_send outcomes, credit, batch bounds, the lag policy both ways, and
// the re-check of admitted consumers on catalog changes.
#include "actors/core/streams/producer_engine.hpp"

#include "tests/unit/streams/fixtures.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::streams;
using namespace mosaik::streams::testing;

namespace {

producer_config config_with(producer_options o = {}) {
  return {test_network(), test_stream(), o, {}, subscribed(), 77};
}

subscribe subscription(subscription_id sub, std::uint64_t credit) {
  return {sub, test_network(), test_stream(), criteria{}, credit};
}

/// Subscribes peer n with `credit` and returns the engine's answer.
producer_output join(producer_engine& e, std::uint8_t n, std::uint64_t credit,
                     subscription_id sub = 1) {
  e.on_subscribe(peer_of(n), describe(n), subscription(sub, credit), 0ms);
  return e.take_output();
}

/// Sends `k` datums of `size` bytes; each must be taken.
std::vector<shared_datum> send_all(producer_engine& e, std::size_t k, std::size_t size = 8) {
  std::vector<shared_datum> out;
  for (std::size_t i = 0; i < k; ++i) {
    auto d = datum_of(size, static_cast<std::uint8_t>(i));
    auto r = e.try_send(d);
    REQUIRE(r.status == send_status::sent);
    out.push_back(d);
  }
  return out;
}

close_code refused_with(producer_engine& e, const peer_id& from,
                        const std::optional<peer_description>& peer, const subscribe& s) {
  e.on_subscribe(from, peer, s, 0ms);
  auto out = e.take_output();
  auto c = only<stream_close>(out.messages, from);
  CHECK(c.sub == s.sub);
  REQUIRE(out.ended.size() == 1);
  CHECK(out.ended[0].refused);
  return c.code;
}

} // namespace

TEST_CASE("the producer accepts a consumer with its epoch and next sequence") {
  producer_engine e{config_with()};
  CHECK(e.take_output().empty());
  auto out = join(e, 1, 10, 42);
  auto a = only<accepted>(out.messages, peer_of(1));
  CHECK(a == accepted{42, 77, 1});
  CHECK(e.counters().consumers_accepted == 1);
  send_all(e, 3);
  e.take_output();
  auto out2 = join(e, 2, 10, 43);
  CHECK(only<accepted>(out2.messages, peer_of(2)).next_seq == 4);
}

TEST_CASE("the producer refuses with the admission's close codes") {
  producer_options o;
  o.max_consumers = 1;
  auto cfg = config_with(o);
  cfg.require = [](const peer_description& p) { return p.entry.tags().contains(tag::from("ok")); };
  producer_engine e{cfg};
  auto good = subscription(5, 1);
  CHECK(refused_with(e, peer_of(1), std::nullopt, good) == close_code::unknown_peer);
  auto other_net = good;
  other_net.network = network_id::from("elsewhere");
  CHECK(refused_with(e, peer_of(1), describe(1, {"ok"}), other_net) == close_code::different_network);
  auto other_stream = good;
  other_stream.stream = stream_id::from("other");
  CHECK(refused_with(e, peer_of(1), describe(1, {"ok"}), other_stream) == close_code::stream_not_found);
  CHECK(refused_with(e, peer_of(1), describe(1), good) == close_code::not_allowed);
  e.on_subscribe(peer_of(1), describe(1, {"ok"}), good, 0ms);
  CHECK(sent<accepted>(e.take_output().messages, peer_of(1)).size() == 1);
  CHECK(refused_with(e, peer_of(2), describe(2, {"ok"}), subscription(6, 1)) == close_code::no_capacity);
  CHECK(e.counters().consumers_rejected == 5);
  CHECK(e.counters().consumers_accepted == 1);
  CHECK(e.subscriptions() == 1);
}

TEST_CASE("the producer goes online and offline on the edges of online_when") {
  auto cfg = config_with();
  cfg.online_when = minimum_of(2);
  producer_engine e{cfg};
  CHECK_FALSE(e.online());
  CHECK(e.try_send(datum_of(4)).status == send_status::offline);
  CHECK(join(e, 1, 1).online_edges.empty());
  CHECK(join(e, 2, 1).online_edges == std::vector{condition_edge::became_met});
  CHECK(e.online());
  CHECK(join(e, 3, 1).online_edges.empty());
  e.on_unsubscribe(peer_of(3), unsubscribe{1, close_code::cancelled, ""});
  CHECK(e.take_output().online_edges.empty());
  e.link_down(peer_of(2));
  auto out = e.take_output();
  CHECK(out.online_edges == std::vector{condition_edge::became_unmet});
  REQUIRE(out.ended.size() == 1);
  CHECK(out.ended[0].by_consumer);
  CHECK(out.messages.empty());
  CHECK_FALSE(e.online());
}

TEST_CASE("try_send answers offline full closed and too large with the datum handed back") {
  producer_options o;
  o.buffer_size = 2;
  producer_engine e{config_with(o)};
  auto d = datum_of(4);
  auto r = e.try_send(d);
  CHECK(r.status == send_status::offline);
  CHECK(r.returned == d);
  join(e, 1, 0);
  send_all(e, 2);
  r = e.try_send(d);
  CHECK(r.status == send_status::full);
  CHECK(r.returned == d);
  CHECK(e.counters().items_dropped == 0);
  r = e.try_send(datum_of(max_datum_bytes + 1));
  CHECK(r.status == send_status::too_large);
  CHECK(r.returned->size() == max_datum_bytes + 1);
  e.shutdown();
  auto out = e.take_output();
  CHECK(only<stream_close>(out.messages, peer_of(1)).code == close_code::graceful_shutdown);
  r = e.try_send(d);
  CHECK(r.status == send_status::closed);
  CHECK(r.returned == d);
}

TEST_CASE("the producer sends only what the credit covers") {
  producer_engine e{config_with()};
  join(e, 1, 0);
  send_all(e, 10);
  CHECK(sent<batch>(e.take_output().messages, peer_of(1)).empty());
  e.on_credit(peer_of(1), credit{1, 4});
  auto b = only<batch>(e.take_output().messages, peer_of(1));
  CHECK(b.first_seq == 1);
  CHECK(b.datums.size() == 4);
  CHECK(e.take_output().messages.empty());
  e.on_credit(peer_of(1), credit{1, 100});
  b = only<batch>(e.take_output().messages, peer_of(1));
  CHECK(b.first_seq == 5);
  CHECK(b.datums.size() == 6);
  CHECK(e.consumers().front().credit == 94);
  CHECK(e.counters().items_sent == 10);
  CHECK(e.counters().bytes_sent == 80);
}

TEST_CASE("batches are bounded in datums and bytes") {
  producer_options o;
  o.max_batch_datums = 3;
  o.max_batch_bytes = 250;
  producer_engine e{config_with(o)};
  join(e, 1, 100);
  send_all(e, 7, 10);
  auto bs = sent<batch>(e.take_output().messages, peer_of(1));
  REQUIRE(bs.size() == 3);
  CHECK(bs[0].datums.size() == 3);
  CHECK(bs[1].first_seq == 4);
  CHECK(bs[2].first_seq == 7);
  CHECK(bs[2].datums.size() == 1);
  send_all(e, 3, 100);
  send_all(e, 1, 400);
  bs = sent<batch>(e.take_output().messages, peer_of(1));
  REQUIRE(bs.size() == 3);
  CHECK(bs[0].datums.size() == 2);  // 200 bytes; a third would pass 250
  CHECK(bs[1].datums.size() == 1);
  CHECK(bs[2].datums.size() == 1);  // larger than the bound: alone
  CHECK(bs[2].payload_bytes() == 400);
}

TEST_CASE("every subscription gets the same encoded datum") {
  producer_engine e{config_with()};
  join(e, 1, 10);
  join(e, 2, 10);
  auto ds = send_all(e, 2);
  auto out = e.take_output();
  auto a = only<batch>(out.messages, peer_of(1));
  auto b = only<batch>(out.messages, peer_of(2));
  REQUIRE(a.datums.size() == 2);
  REQUIRE(b.datums.size() == 2);
  CHECK(a.datums[0] == ds[0]);
  CHECK(b.datums[0] == ds[0]);
  CHECK(b.datums[1] == ds[1]);
}

TEST_CASE("a lagging consumer is closed with too slow while the others keep up") {
  producer_options o;
  o.buffer_size = 4;
  producer_engine e{config_with(o)};
  join(e, 1, 1000);
  join(e, 2, 0);
  send_all(e, 4);
  CHECK(e.take_output().ended.empty());
  send_all(e, 1);
  auto out = e.take_output();
  CHECK(only<stream_close>(out.messages, peer_of(2)).code == close_code::too_slow);
  CHECK(only<batch>(out.messages, peer_of(1)).first_seq == 5);
  CHECK(e.counters().items_dropped == 1);
  CHECK(e.subscriptions() == 1);
  send_all(e, 4);
  CHECK(only<batch>(e.take_output().messages, peer_of(1)).datums.size() == 4);
}

TEST_CASE("without disconnect_lagging a full queue drops its oldest and the batch shows the gap") {
  producer_options o;
  o.buffer_size = 3;
  o.disconnect_lagging = false;
  producer_engine e{config_with(o)};
  join(e, 1, 1000);
  join(e, 2, 0);
  send_all(e, 3);
  e.take_output();
  send_all(e, 2);
  auto out = e.take_output();
  CHECK(sent<stream_close>(out.messages, peer_of(2)).empty());
  CHECK(e.counters().items_dropped == 2);
  e.on_credit(peer_of(2), credit{1, 10});
  auto b = only<batch>(e.take_output().messages, peer_of(2));
  CHECK(b.first_seq == 3);
  CHECK(b.datums.size() == 3);
  CHECK((*b.datums[0])[0] == 2);
}

TEST_CASE("with every queue full the stream is full and nothing is dropped") {
  producer_options o;
  o.buffer_size = 2;
  o.disconnect_lagging = false;
  producer_engine e{config_with(o)};
  join(e, 1, 0);
  join(e, 2, 0);
  send_all(e, 2);
  CHECK(e.try_send(datum_of(1)).status == send_status::full);
  CHECK(e.counters().items_dropped == 0);
  e.on_credit(peer_of(1), credit{1, 1});
  e.take_output();
  CHECK(e.try_send(datum_of(1)).status == send_status::sent);
  CHECK(e.counters().items_dropped == 1);
}

TEST_CASE("every catalog change re-checks the admitted consumers") {
  auto cfg = config_with();
  cfg.require = [](const peer_description& p) { return p.entry.tags().contains(tag::from("ok")); };
  producer_engine e{cfg};
  e.on_subscribe(peer_of(1), describe(1, {"ok"}), subscription(1, 5), 0ms);
  e.on_subscribe(peer_of(2), describe(2, {"ok"}), subscription(2, 5), 0ms);
  e.on_subscribe(peer_of(3), describe(3, {"ok"}), subscription(3, 5), 0ms);
  e.take_output();
  std::vector<peer_description> catalog{describe(1, {"ok"}), describe(2), describe(4)};
  e.on_catalog(catalog);
  auto out = e.take_output();
  CHECK(sent<stream_close>(out.messages, peer_of(1)).empty());
  CHECK(only<stream_close>(out.messages, peer_of(2)).code == close_code::not_allowed);
  CHECK(only<stream_close>(out.messages, peer_of(3)).code == close_code::unknown_peer);
  CHECK(e.subscriptions() == 1);
  CHECK(e.online());
  e.on_catalog(std::vector<peer_description>{describe(1)});
  out = e.take_output();
  CHECK(only<stream_close>(out.messages, peer_of(1)).code == close_code::not_allowed);
  CHECK(out.online_edges == std::vector{condition_edge::became_unmet});
}

TEST_CASE("subscriptions of one peer are kept apart and late credits are ignored") {
  producer_engine e{config_with()};
  join(e, 1, 1, 10);
  join(e, 1, 0, 11);
  CHECK(e.subscriptions() == 2);
  send_all(e, 1);
  auto out = e.take_output();
  auto bs = sent<batch>(out.messages, peer_of(1));
  REQUIRE(bs.size() == 1);
  CHECK(bs[0].sub == 10);
  e.on_unsubscribe(peer_of(1), unsubscribe{10, close_code::cancelled, ""});
  e.on_credit(peer_of(1), credit{10, 5});
  CHECK(sent<batch>(e.take_output().messages, peer_of(1)).empty());
  e.on_credit(peer_of(1), credit{11, 5});
  CHECK(only<batch>(e.take_output().messages, peer_of(1)).sub == 11);
}

TEST_CASE("datums that reach no subscription go to the undelivered sink when asked") {
  auto cfg = config_with();
  cfg.online_when = minimum_of(0);
  cfg.keep_undelivered = true;
  producer_engine e{cfg};
  auto d = datum_of(3);
  CHECK(e.try_send(d).status == send_status::sent);
  auto out = e.take_output();
  CHECK(out.undelivered == std::vector{d});
  join(e, 1, 5);
  send_all(e, 1);
  CHECK(e.take_output().undelivered.empty());
  cfg.keep_undelivered = false;
  producer_engine quiet{cfg};
  CHECK(quiet.try_send(d).status == send_status::sent);
  CHECK(quiet.take_output().undelivered.empty());
}

TEST_CASE("a subscription's queue is bounded in bytes as well as datums") {
  producer_options o;
  o.buffer_bytes = 100;
  producer_engine e{config_with(o)};
  join(e, 1, 0);
  send_all(e, 2, 40);
  auto third = datum_of(40);
  auto r = e.try_send(third);
  CHECK(r.status == send_status::full); // 120 bytes would pass 100
  CHECK(r.returned == third);
  CHECK(e.consumers().front().queued_bytes == 80);
  CHECK(e.try_send(datum_of(20)).status == send_status::sent); // 100 fits
  // A datum larger than the bound fits an empty queue.
  producer_engine lone{config_with(o)};
  join(lone, 1, 0);
  CHECK(lone.try_send(datum_of(300)).status == send_status::sent);
  CHECK(lone.try_send(datum_of(1)).status == send_status::full);
}

TEST_CASE("past the byte bound a lagging consumer is closed or loses its oldest") {
  producer_options o;
  o.buffer_bytes = 100;
  producer_engine closing{config_with(o)};
  join(closing, 1, 1000);
  join(closing, 2, 0);
  send_all(closing, 2, 40);
  closing.take_output(); // the first consumer takes its two
  send_all(closing, 1, 40);
  auto out = closing.take_output();
  CHECK(only<stream_close>(out.messages, peer_of(2)).code == close_code::too_slow);
  CHECK(closing.counters().items_dropped == 1);

  o.disconnect_lagging = false;
  producer_engine dropping{config_with(o)};
  join(dropping, 1, 1000);
  join(dropping, 2, 0);
  send_all(dropping, 2, 40);
  dropping.take_output();
  send_all(dropping, 1, 90); // pushes out both older ones
  CHECK(dropping.counters().items_dropped == 2);
  dropping.take_output();
  dropping.on_credit(peer_of(2), credit{1, 10, 0});
  auto b = only<batch>(dropping.take_output().messages, peer_of(2));
  CHECK(b.first_seq == 3);
  CHECK(b.payload_bytes() == 90);
}

TEST_CASE("a consumer that counts bytes gets datums while its byte credit is positive") {
  producer_engine e{config_with()};
  auto s = subscription(1, 100);
  s.initial_credit_bytes = 50;
  e.on_subscribe(peer_of(1), describe(1), s, 0ms);
  e.take_output();
  send_all(e, 3, 30);
  auto b = only<batch>(e.take_output().messages, peer_of(1));
  CHECK(b.datums.size() == 2); // 50 -> 20 -> -10: the second overdraws
  CHECK(e.consumers().front().credit_bytes == -10);
  e.on_credit(peer_of(1), credit{1, 1, 5});
  CHECK(sent<batch>(e.take_output().messages, peer_of(1)).empty()); // -5: still none
  e.on_credit(peer_of(1), credit{1, 1, 20});
  b = only<batch>(e.take_output().messages, peer_of(1));
  CHECK(b.first_seq == 3);
  CHECK(e.consumers().front().credit_bytes == -15);
  // Grants beyond the bound are clamped, not wrapped.
  e.on_credit(peer_of(1), credit{1, 1, ~std::uint64_t{0}});
  e.on_credit(peer_of(1), credit{1, 1, ~std::uint64_t{0}});
  CHECK(e.consumers().front().credit_bytes == static_cast<std::int64_t>(max_credit_bytes));
}
