// Streams' bounds on whole nodes: the undelivered sink (in order, and
// bounded when it is slow), byte bounds with large datums, and a link that
// fills, so the producer holds frames in its outbox until the link is
// writable again and every datum still arrives once, in order.

#include "actors/streams/stream.hpp"
#include "tests/sim/stream_sim_support.hpp"

#include <caf/event_based_actor.hpp>

#include <memory>

using namespace mosaik;
using namespace std::chrono_literals;
using testing::cluster;
using namespace mosaik::stream_sim;

namespace {

struct release_sink {};

/// What an undelivered sink got; with `hold` it keeps its answers (a slow
/// sink) until release_sink.
struct sink_record {
  std::vector<std::uint64_t> values;
  std::vector<std::size_t> batch_sizes;
  std::uint64_t dropped = 0;
  bool hold = false;
  std::vector<caf::response_promise> held;
};

caf::behavior undelivered_sink(caf::event_based_actor* self, std::shared_ptr<sink_record> rec) {
  return {
    [=](const streams::undelivered_batch& b) {
      for (auto v : producer<std::uint64_t>::values_of(b))
        rec->values.push_back(v);
      rec->batch_sizes.push_back(b.datums.size());
      rec->dropped += b.dropped;
      if (rec->hold)
        rec->held.push_back(self->make_response_promise());
    },
    [=](release_sink) {
      rec->hold = false;
      for (auto& rp : rec->held)
        rp.deliver(true); // any answer lets the next batch go
      rec->held.clear();
    },
  };
}

caf::actor spawn_sink(cluster& c, std::size_t i, const std::shared_ptr<sink_record>& rec) {
  auto a = c[i].sys.spawn(undelivered_sink, rec);
  c.own(a);
  return a;
}

streams::producer_info info(cluster& c, std::size_t i, const streams::producer_handle& p) {
  return answer(c, c.request<streams::producer_info>(i, p, streams::get_producer_info{}));
}

streams::shared_datum padded(std::uint64_t k, std::size_t size) {
  auto b = value_codec<std::uint64_t>::encode(k);
  b.resize(size, 0x77);
  return streams::make_datum(std::move(b));
}

/// The number a padded datum carries (its codec reads the prefix).
std::uint64_t number_of(const streams::received_datum& d) {
  auto b = *d.datum;
  b.resize(value_codec<std::uint64_t>::encode(0).size());
  auto v = value_codec<std::uint64_t>::decode(b);
  REQUIRE(v.has_value());
  return *v;
}

void publish_padded(cluster& c, std::size_t i, const streams::producer_handle& p, std::uint64_t first,
                    std::uint64_t n, std::size_t size) {
  for (auto v = first; v < first + n; ++v) {
    auto r = answer(c, c.request<streams::publish_result>(i, p, streams::publish{padded(v, size), true, 5000ms}));
    REQUIRE(r.status == streams::send_status::sent);
  }
}

} // namespace

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(release_sink)

TEST_CASE("sim streams: datums no consumer takes go to the undelivered sink in order") {
  cluster c{2, 21};
  c.start_all();
  auto rec = std::make_shared<sink_record>();
  auto setup = producer_setup();
  setup.online_when = streams::minimum_of(0);
  setup.undelivered = spawn_sink(c, 0, rec);
  auto p = c.produce(0, setup);
  publish_all(c, 0, p, range(1, 20));
  c.run(1s);
  CHECK(rec->values == range(1, 20));
  CHECK(rec->dropped == 0);

  auto h = c.consume(1, consumer_setup());
  REQUIRE(c.run_until([&] { return subscriptions(c, 0, p) == 1; }, 30s));
  publish_all(c, 0, p, range(21, 20));
  CHECK(values(pull(c, 1, h, 20)) == range(21, 20));
  CHECK(rec->values.size() == 20); // the consumer took them: none undelivered
}

TEST_CASE("sim streams: a slow undelivered sink loses the oldest waiting datums and is told how many") {
  cluster c{1, 22};
  c.start_all();
  auto rec = std::make_shared<sink_record>();
  rec->hold = true;
  streams::producer_options small;
  small.buffer_size = 16;
  auto setup = producer_setup(small);
  setup.online_when = streams::minimum_of(0);
  setup.undelivered = spawn_sink(c, 0, rec);
  auto p = c.produce(0, setup);
  publish_all(c, 0, p, range(1, 100));
  c.run(1s);
  REQUIRE(rec->batch_sizes.size() == 1); // the sink has not answered the first
  auto first = rec->values.size();
  caf::anon_send(setup.undelivered, release_sink{});
  c.run(1s);
  REQUIRE(rec->batch_sizes.size() == 2);
  CHECK(rec->batch_sizes[1] == small.buffer_size); // what waited stayed bounded
  CHECK(rec->values.size() == first + small.buffer_size);
  CHECK(rec->values.back() == 100); // the newest were kept
  CHECK(rec->values.size() + rec->dropped == 100);
  CHECK(std::is_sorted(rec->values.begin(), rec->values.end()));
  CHECK(info(c, 0, p).undelivered_dropped == rec->dropped);
}

TEST_CASE("sim streams: with large datums the byte bound closes a lagging consumer long before the datum count") {
  constexpr std::size_t size = 100 << 10;
  cluster c{3, 23};
  c.start_all();
  streams::producer_options o;
  o.buffer_bytes = 1 << 20; // 10 datums; buffer_size stays 1024
  auto p = c.produce(0, producer_setup(o));
  streams::consumer_options window;
  window.receive_window_bytes = 512 << 10;
  auto fast = c.consume(1, consumer_setup(window));
  auto slow = c.consume(2, consumer_setup(window));
  REQUIRE(c.run_until([&] { return subscriptions(c, 0, p) == 2; }, 30s));

  constexpr std::uint64_t sent = 60;
  pulled got;
  for (std::uint64_t v = 1; v <= sent; ++v) {
    publish_padded(c, 0, p, v, 1, size);
    for (const auto& ch : info(c, 0, p).channels)
      REQUIRE(ch.queued_bytes <= o.buffer_bytes);
    auto more = pull(c, 1, fast, 1, 1);
    got.datums.insert(got.datums.end(), more.datums.begin(), more.datums.end());
    got.gaps.insert(got.gaps.end(), more.gaps.begin(), more.gaps.end());
    auto mine = answer(c, c.request<streams::consumer_info>(2, slow, streams::get_consumer_info{}));
    for (const auto& ch : mine.channels)
      REQUIRE(ch.window_bytes_used < window.receive_window_bytes + size);
  }
  auto rest = pull(c, 1, fast, sent - got.datums.size());
  got.datums.insert(got.datums.end(), rest.datums.begin(), rest.datums.end());
  std::vector<std::uint64_t> numbers;
  for (const auto& d : got.datums)
    numbers.push_back(number_of(d));
  CHECK(numbers == range(1, sent));
  CHECK(got.gaps.empty());
  auto i = info(c, 0, p);
  CHECK(i.counters.items_dropped > 0); // the slow one was closed as too slow
  auto lagged = pull(c, 2, slow, sent, 3);
  CHECK(lagged.datums.size() < 20); // its window and queue, in bytes
  CHECK_FALSE(silent_loss(lagged));
}

TEST_CASE("sim streams: a full link holds frames in the producer's outbox and every datum arrives once in order") {
  constexpr std::size_t size = 16 << 10;
  cluster c{2, 24};
  c.config(1).link.receive_window = 256 << 10; // the consumer's node takes little at a time
  c.config(0).link.send_backlog = 128 << 10;   // and the producer's node queues little
  c.start_all();
  streams::producer_options o;
  o.max_batch_bytes = 64 << 10;
  auto p = c.produce(0, producer_setup(o));
  streams::consumer_options window;
  window.receive_window_bytes = 1 << 20;
  auto h = c.consume(1, consumer_setup(window));
  REQUIRE(c.run_until([&] { return subscriptions(c, 0, p) == 1; }, 30s));

  constexpr std::uint64_t sent = 300;
  publish_padded(c, 0, p, 1, sent, size);
  auto got = pull(c, 1, h, sent);
  std::vector<std::uint64_t> numbers;
  for (const auto& d : got.datums)
    numbers.push_back(number_of(d));
  CHECK(numbers == range(1, sent));
  CHECK(seqs(got) == range(1, sent));
  CHECK(got.gaps.empty());
  auto i = info(c, 0, p);
  CHECK(i.outboxes.refused > 0); // the link was full: the outbox path ran
  // The outbox holds only what the consumer's credit let out.
  CHECK(i.outboxes.peak_bytes > 0);
  CHECK(i.outboxes.peak_bytes < window.receive_window_bytes + size);
  // Nothing was dropped: past the cap the node queued and said so.
  CHECK(c.counter(0, "mosaik.network.link.frames.dropped", {{"cause", "link_full"}}) == 0);
  CHECK(c.counter(0, "mosaik.network.link.frames.past_cap") >= i.outboxes.refused);
}

TEST_CASE("sim streams: waiting publishes are bounded in bytes and the next is full at once") {
  cluster c{1, 25};
  c.start_all();
  streams::producer_options o;
  o.buffer_bytes = 1000;
  auto p = c.produce(0, producer_setup(o)); // offline: no consumer
  std::vector<testing::reply<streams::publish_result>> waits;
  for (std::uint64_t k = 1; k <= 3; ++k)
    waits.push_back(c.request<streams::publish_result>(0, p, streams::publish{padded(k, 400), true, 5000ms}));
  c.run(100ms);
  CHECK_FALSE(waits[0]->has_value()); // 400 bytes wait
  CHECK_FALSE(waits[1]->has_value()); // 800
  REQUIRE(waits[2]->has_value());     // 1200 would pass 1000
  CHECK(answer(c, waits[2]).status == streams::send_status::full);
  CHECK(answer(c, waits[0]).status == streams::send_status::offline); // at its timeout
  CHECK(answer(c, waits[1]).status == streams::send_status::offline);
}
