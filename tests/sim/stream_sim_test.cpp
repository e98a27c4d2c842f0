// Streams on whole nodes (links, discovery, streams) on the simulated
// network, through mosaik::testing: consumers find the producer through
// discovery alone and get exactly the datums sent, in order; a lagging
// consumer holds back only itself; a restarted producer shows as a gap.

#include "actors/codec/value_codec.hpp"
#include "tests/support/testing.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace mosaik;
using namespace std::chrono_literals;
using testing::cluster;

namespace {

const stream_id ticks = streams::stream_id_of("sim.ticks");

streams::producer_setup producer_setup(streams::producer_options o = {}) {
  return {ticks, o, {}, streams::subscribed()};
}

streams::consumer_setup consumer_setup(streams::consumer_options o = {}) {
  return {ticks, o, {}, streams::minimum_of(0)};
}

streams::shared_datum datum_of(std::uint64_t k) {
  return streams::make_datum(value_codec<std::uint64_t>::encode(k));
}

std::uint64_t value_of(const streams::received_datum& d) {
  auto v = value_codec<std::uint64_t>::decode(*d.datum);
  REQUIRE(v.has_value());
  return *v;
}

/// The answer a reply got (the test fails when none came or it failed).
template <class T>
T answer(cluster& c, const testing::reply<T>& r) {
  REQUIRE(c.await(r, 10s));
  auto& got = r->value();
  if (!got)
    FAIL("the request failed: ", got.error());
  return *got;
}

std::size_t subscriptions(cluster& c, std::size_t i, const streams::producer_handle& p) {
  return answer(c, c.request<streams::producer_info>(i, p, streams::get_producer_info{})).channels.size();
}

/// Publishes `values` from node i in order, each waiting for room.
void publish_all(cluster& c, std::size_t i, const streams::producer_handle& p,
                 const std::vector<std::uint64_t>& values) {
  for (auto v : values) {
    auto r = answer(c, c.request<streams::publish_result>(i, p, streams::publish{datum_of(v), true, 5000ms}));
    REQUIRE(r.status == streams::send_status::sent);
  }
}

/// What node i's consumer got: every datum until `n` arrived (or the
/// pulls came back empty `patience` times in a row), and every gap.
struct pulled {
  std::vector<streams::received_datum> datums;
  std::vector<streams::gap> gaps;
};

pulled pull(cluster& c, std::size_t i, const streams::consumer_handle& h, std::size_t n,
            int patience = 10) {
  pulled out;
  for (int empty = 0; out.datums.size() < n && empty < patience;) {
    auto got = answer(c, c.request<streams::received>(i, h, streams::next_batch{64, 500ms}));
    empty = got.datums.empty() && got.gaps.empty() ? empty + 1 : 0;
    out.datums.insert(out.datums.end(), got.datums.begin(), got.datums.end());
    out.gaps.insert(out.gaps.end(), got.gaps.begin(), got.gaps.end());
  }
  return out;
}

std::vector<std::uint64_t> range(std::uint64_t first, std::uint64_t n) {
  std::vector<std::uint64_t> out(n);
  for (std::uint64_t k = 0; k < n; ++k)
    out[k] = first + k;
  return out;
}

std::vector<std::uint64_t> values(const pulled& p) {
  std::vector<std::uint64_t> out;
  for (const auto& d : p.datums)
    out.push_back(value_of(d));
  return out;
}

std::vector<std::uint64_t> seqs(const pulled& p) {
  std::vector<std::uint64_t> out;
  for (const auto& d : p.datums)
    out.push_back(d.seq);
  return out;
}

/// Every jump in the sequence numbers a consumer got from one producer
/// epoch was reported as a gap of exactly that size: nothing lost silently.
/// The datums of `p` come from one producer incarnation.
std::optional<std::string> silent_loss(const pulled& p) {
  std::set<std::pair<std::uint64_t, std::uint64_t>> reported;
  for (const auto& g : p.gaps)
    reported.insert({g.first_missing, g.missing});
  for (std::size_t k = 1; k < p.datums.size(); ++k) {
    auto expected = p.datums[k - 1].seq + 1, seq = p.datums[k].seq;
    if (seq < expected)
      return "datum " + std::to_string(seq) + " after " + std::to_string(expected - 1);
    if (seq > expected && reported.count({expected, seq - expected}) == 0)
      return "datums " + std::to_string(expected) + ".." + std::to_string(seq - 1) + " lost silently";
  }
  return std::nullopt;
}

/// Datums the consumer got plus those its gaps report.
std::uint64_t accounted(const pulled& p) {
  std::uint64_t n = p.datums.size();
  for (const auto& g : p.gaps)
    n += g.missing;
  return n;
}

} // namespace

TEST_CASE("sim streams: the loss checker catches a silent gap") {
  auto d = [](std::uint64_t seq) { return streams::received_datum{{}, seq, datum_of(seq)}; };
  pulled p{{d(1), d(2), d(5)}, {}};
  CHECK(silent_loss(p).has_value());
  p.gaps.push_back({{}, 3, 2, streams::gap_cause::lagging});
  CHECK_FALSE(silent_loss(p).has_value());
  p.datums.push_back(d(5));
  CHECK(silent_loss(p).has_value()); // a duplicate
}

TEST_CASE("sim streams: consumers on two nodes find the producer by discovery and get every datum in order") {
  cluster c{3, 11};
  c.start_all();
  auto p = c.produce(0, producer_setup());
  auto a = c.consume(1, consumer_setup());
  auto b = c.consume(2, consumer_setup());
  REQUIRE(c.run_until([&] { return subscriptions(c, 0, p) == 2; }, 30s));

  auto sent = range(1, 300);
  publish_all(c, 0, p, sent);
  for (auto [node, h] : {std::pair{1, a}, std::pair{2, b}}) {
    INFO("consumer on node ", node);
    auto got = pull(c, node, h, sent.size());
    CHECK(values(got) == sent);
    CHECK(seqs(got) == range(1, sent.size()));
    CHECK(got.gaps.empty());
  }

  // The node status lists both sides with their channels.
  auto status = [&](std::size_t i) {
    return answer(c, c.request<wire::node_status>(i, c.node_actor(i), node::get_status{}));
  };
  auto produced = status(0).streams;
  REQUIRE(produced.size() == 1);
  CHECK(produced[0].id == ticks);
  CHECK(produced[0].producer);
  CHECK(produced[0].online);
  REQUIRE(produced[0].channels.size() == 2);
  for (const auto& ch : produced[0].channels)
    CHECK(ch.datums == sent.size());
  auto consumed = status(1).streams;
  REQUIRE(consumed.size() == 1);
  CHECK_FALSE(consumed[0].producer);
  REQUIRE(consumed[0].channels.size() == 1);
  CHECK(consumed[0].channels[0].peer == c.peer(0));
  CHECK(consumed[0].channels[0].state == "connected");
}

TEST_CASE("sim streams: a publish of many datums sends what fits in order and hands back the rest") {
  cluster c{2, 13};
  c.start_all();
  streams::producer_options small;
  small.buffer_size = 16;
  auto p = c.produce(0, producer_setup(small));
  streams::consumer_options narrow;
  narrow.receive_window = 8;
  auto h = c.consume(1, consumer_setup(narrow));
  REQUIRE(c.run_until([&] { return subscriptions(c, 0, p) == 1; }, 30s));

  auto all = range(1, 40);
  streams::publish_many many;
  for (auto v : all)
    many.datums.push_back(datum_of(v));
  auto r = answer(c, c.request<streams::publish_many_result>(0, p, std::move(many)));
  CHECK(r.status == streams::send_status::full); // 16 queued, the 17th finds no room
  CHECK(r.sent == 16);
  CHECK(r.first_seq == 1);
  REQUIRE(r.returned.size() == all.size() - r.sent);
  CHECK(*value_codec<std::uint64_t>::decode(*r.returned.front()) == 17);
  auto got = pull(c, 1, h, r.sent);
  CHECK(values(got) == range(1, r.sent));
  CHECK(seqs(got) == range(1, r.sent));

  streams::publish_many rest{std::move(r.returned)};
  auto second = answer(c, c.request<streams::publish_many_result>(0, p, std::move(rest)));
  CHECK(second.first_seq == 17); // the sequence goes on where the returned ones start
  REQUIRE(second.sent > 0);
  auto later = pull(c, 1, h, second.sent);
  CHECK(values(later) == range(17, second.sent));
}

TEST_CASE("sim streams: a lagging consumer is closed as too slow while the other gets everything") {
  cluster c{3, 12};
  c.start_all();
  streams::producer_options small;
  small.buffer_size = 16;
  auto p = c.produce(0, producer_setup(small));
  auto fast = c.consume(1, consumer_setup());
  streams::consumer_options narrow;
  narrow.receive_window = 8;
  auto slow = c.consume(2, consumer_setup(narrow));
  REQUIRE(c.run_until([&] { return subscriptions(c, 0, p) == 2; }, 30s));

  auto sent = range(1, 200);
  publish_all(c, 0, p, sent);
  auto got = pull(c, 1, fast, sent.size());
  CHECK(values(got) == sent);
  CHECK(got.gaps.empty());

  auto info = answer(c, c.request<streams::producer_info>(0, p, streams::get_producer_info{}));
  CHECK(info.counters.consumers_accepted >= 2);
  // The slow one got its window, then was closed; it resubscribes and
  // hears of what it missed: every datum is either delivered or reported.
  auto lagged = pull(c, 2, slow, sent.size());
  CHECK(lagged.datums.size() < sent.size());
  CHECK(lagged.datums.size() >= narrow.receive_window);
  CHECK_FALSE(silent_loss(lagged));
  c.run(5s);
  auto rest = pull(c, 2, slow, 1, 3);
  lagged.datums.insert(lagged.datums.end(), rest.datums.begin(), rest.datums.end());
  lagged.gaps.insert(lagged.gaps.end(), rest.gaps.begin(), rest.gaps.end());
  CHECK(accounted(lagged) == sent.size());
}

TEST_CASE("sim streams: without disconnect_lagging a slow consumer loses its oldest datums, reported as a gap") {
  // A fast consumer keeps the stream taking datums (with the slow one
  // alone, the producer would answer `full` and lose nothing).
  cluster c{3, 13};
  c.start_all();
  streams::producer_options dropping;
  dropping.buffer_size = 16;
  dropping.disconnect_lagging = false;
  auto p = c.produce(0, producer_setup(dropping));
  streams::consumer_options narrow;
  narrow.receive_window = 8;
  auto slow = c.consume(1, consumer_setup(narrow));
  auto fast = c.consume(2, consumer_setup());
  REQUIRE(c.run_until([&] { return subscriptions(c, 0, p) == 2; }, 30s));

  auto sent = range(1, 100);
  publish_all(c, 0, p, sent);
  auto got = pull(c, 1, slow, sent.size(), 3);
  CHECK_FALSE(silent_loss(got));
  CHECK(accounted(got) == sent.size());
  REQUIRE_FALSE(got.gaps.empty());
  CHECK(got.gaps.front().cause == streams::gap_cause::lagging);
  // The first window and the last queue-full arrived, nothing between.
  CHECK(got.datums.front().seq == 1);
  CHECK(got.datums.back().seq == sent.size());
  auto info = answer(c, c.request<streams::producer_info>(0, p, streams::get_producer_info{}));
  CHECK(info.counters.items_dropped == sent.size() - got.datums.size());
  CHECK(info.channels.size() == 2); // still subscribed
  CHECK(values(pull(c, 2, fast, sent.size())) == sent);
}

TEST_CASE("sim streams: a restarted producer shows as a restart gap and the consumer carries on") {
  cluster c{2, 14};
  c.start_all();
  auto p = c.produce(1, producer_setup());
  auto h = c.consume(0, consumer_setup());
  REQUIRE(c.run_until([&] { return subscriptions(c, 1, p) == 1; }, 30s));
  publish_all(c, 1, p, range(1, 50));
  auto before = pull(c, 0, h, 50);
  CHECK(values(before) == range(1, 50));

  c.crash(1);
  c.restart(1);
  p = c.produce(1, producer_setup());
  REQUIRE(c.run_until([&] { return subscriptions(c, 1, p) == 1; }, 60s));
  publish_all(c, 1, p, range(51, 50));
  auto after = pull(c, 0, h, 50);
  CHECK(values(after) == range(51, 50));
  CHECK(seqs(after) == range(1, 50)); // the new incarnation numbers from 1
  auto restart = std::find_if(after.gaps.begin(), after.gaps.end(),
                              [](const auto& g) { return g.cause == streams::gap_cause::restart; });
  CHECK(restart != after.gaps.end());
}

TEST_CASE("sim streams: max_consumers admits that many and refuses the others with no capacity") {
  cluster c{3, 15};
  c.start_all();
  streams::producer_options one;
  one.max_consumers = 1;
  auto p = c.produce(0, producer_setup(one));
  auto a = c.consume(1, consumer_setup());
  auto b = c.consume(2, consumer_setup());
  REQUIRE(c.run_until([&] { return subscriptions(c, 0, p) == 1; }, 30s));
  REQUIRE(c.run_until(
    [&] {
      auto info = answer(c, c.request<streams::producer_info>(0, p, streams::get_producer_info{}));
      return info.counters.consumers_rejected > 0;
    },
    30s));
  c.run(10s);
  CHECK(subscriptions(c, 0, p) == 1);
}

TEST_CASE("sim streams: a closed producer ends its consumers' channels and leaves the catalog") {
  cluster c{2, 16};
  c.start_all();
  auto p = c.produce(0, producer_setup());
  auto h = c.consume(1, consumer_setup());
  REQUIRE(c.run_until([&] { return subscriptions(c, 0, p) == 1; }, 30s));
  CHECK(answer(c, c.request<bool>(0, p, streams::close_producer{})));
  auto channels = [&] {
    return answer(c, c.request<streams::consumer_info>(1, h, streams::get_consumer_info{})).channels.size();
  };
  CHECK(c.run_until([&] { return channels() == 0; }, 10s));
  auto listed = [&] {
    const auto* e = c.discovery(1).eng->catalog().get_signed(c.peer(0), c.discovery_now(1));
    return e != nullptr && !e->entry().streams().empty();
  };
  CHECK(c.run_until([&] { return !listed(); }, 30s));
  c.run(10s);
  CHECK(channels() == 0); // terminated: no retries
}

TEST_CASE("sim streams: a consumer's require follows the producer's tags as they change") {
  cluster c{2, 17};
  c.start_all();
  auto gpu = tag::from("gpu");
  auto p = c.produce(0, producer_setup());
  auto setup = consumer_setup();
  setup.require = [gpu](const streams::peer_description& d) { return d.entry.tags().count(gpu) > 0; };
  auto h = c.consume(1, setup);
  c.run(10s);
  CHECK(subscriptions(c, 0, p) == 0);

  CHECK(answer(c, c.request<bool>(0, c.discovery_actor(0), discovery::add_tags{{gpu}})));
  CHECK(c.run_until([&] { return subscriptions(c, 0, p) == 1; }, 30s));
  CHECK(answer(c, c.request<bool>(0, c.discovery_actor(0), discovery::remove_tags{{gpu}})));
  CHECK(c.run_until([&] { return subscriptions(c, 0, p) == 0; }, 30s));
}
