// Streams on whole nodes (links, discovery, streams) on the simulated
// network, through mosaik::testing: consumers find the producer through
// discovery alone and get exactly the datums sent, in order; a lagging
// consumer holds back only itself; a restarted producer shows as a gap.

#include "tests/sim/stream_sim_support.hpp"

#include <algorithm>

using namespace mosaik;
using namespace std::chrono_literals;
using testing::cluster;
using namespace mosaik::stream_sim;

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
