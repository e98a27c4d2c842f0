// Streams on whole nodes (links, discovery, streams) on the simulated
// network, through mosaik::testing: consumers find the producer through
// discovery alone and get exactly the datums sent, in order; a lagging
// consumer holds back only itself; a restarted producer shows as a gap.

#include "actors/codec/value_codec.hpp"
#include "tests/support/testing.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
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

} // namespace

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
}
