// Seeded runs of one producer and three consumers under faults (partitions,
// heals, bytes lost in flight), checked per consumer: datums in order, no
// duplicates, each one the value sent under its sequence number, every jump
// reported as a gap of its size, and after the last heal every datum sent
// since a consumer's first one either delivered or reported. Replay or
// sweep with the environment:
//   MOSAIK_STREAM_SEED=N    the first seed (default 1)
//   MOSAIK_STREAM_SEEDS=K   how many seeds from it (default 8, 1 with a seed given)
//   MOSAIK_STREAM_BUG=hide-gaps   consumers never report gaps (the check must fail)

#include "actors/codec/value_codec.hpp"
#include "actors/core/rng.hpp"
#include "tests/support/env.hpp"
#include "tests/support/testing.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

using namespace mosaik;
using namespace std::chrono_literals;
using testing::cluster;

namespace {

const stream_id ticks = streams::stream_id_of("sim.history");
constexpr std::size_t consumers = 3; // on nodes 1..3

struct history {
  /// seq -> the value sent under it.
  std::map<std::uint64_t, std::uint64_t> sent;
  std::vector<std::vector<streams::received_datum>> got{consumers};
  std::vector<std::vector<streams::gap>> gaps{consumers};
  std::size_t faults = 0;
};

template <class T>
std::optional<T> answer(cluster& c, const testing::reply<T>& r) {
  if (!c.await(r, 20s) || !r->value())
    return std::nullopt;
  return *r->value();
}

void publish_burst(cluster& c, const streams::producer_handle& p, history& h, std::uint64_t& next_value,
                   std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    auto v = next_value++;
    auto datum = streams::make_datum(value_codec<std::uint64_t>::encode(v));
    auto r = answer(c, c.request<streams::publish_result>(0, p, streams::publish{datum, true, 1000ms}));
    if (r && r->status == streams::send_status::sent)
      h.sent[r->seq] = v;
  }
}

void pull_all(cluster& c, const std::vector<streams::consumer_handle>& hs, history& h) {
  for (std::size_t k = 0; k < consumers; ++k)
    for (int round = 0; round < 64; ++round) {
      auto r = answer(c, c.request<streams::received>(k + 1, hs[k], streams::next_batch{256, 100ms}));
      if (!r || (r->datums.empty() && r->gaps.empty()))
        break;
      h.got[k].insert(h.got[k].end(), r->datums.begin(), r->datums.end());
      h.gaps[k].insert(h.gaps[k].end(), r->gaps.begin(), r->gaps.end());
    }
}

/// One fault or heal between node 0 and a random consumer node.
void fault(cluster& c, rng& r, std::vector<bool>& cut, history& h) {
  auto j = 1 + r.below(consumers);
  switch (r.below(3)) {
    case 0:
      if (!cut[j])
        c.partition(0, j);
      cut[j] = true;
      break;
    case 1:
      if (cut[j])
        c.heal(0, j);
      cut[j] = false;
      break;
    default:
      if (!cut[j])
        c.lose_in_flight(0, j);
  }
  ++h.faults;
}

/// What is wrong with consumer k's history, if anything.
std::optional<std::string> check(const history& h, std::size_t k) {
  const auto& got = h.got[k];
  if (got.empty())
    return "consumer " + std::to_string(k) + " got nothing";
  std::map<std::uint64_t, std::uint64_t> reported;
  std::uint64_t missing = 0;
  for (const auto& g : h.gaps[k]) {
    reported[g.first_missing] = g.missing;
    missing += g.missing;
  }
  for (std::size_t n = 0; n < got.size(); ++n) {
    auto seq = got[n].seq;
    auto value = value_codec<std::uint64_t>::decode(*got[n].datum);
    auto sent = h.sent.find(seq);
    if (sent == h.sent.end() || !value || *value != sent->second)
      return "datum " + std::to_string(seq) + " is not what was sent under it";
    if (n == 0)
      continue;
    auto expected = got[n - 1].seq + 1;
    if (seq < expected)
      return "datum " + std::to_string(seq) + " after " + std::to_string(expected - 1);
    if (seq > expected && reported[expected] != seq - expected)
      return "silent loss: datums " + std::to_string(expected) + ".." + std::to_string(seq - 1)
             + " missing and not reported";
  }
  auto first = got.front().seq, last = h.sent.rbegin()->first;
  if (got.back().seq != last)
    return "the last datum " + std::to_string(last) + " never arrived";
  if (got.size() + missing != last - first + 1)
    return "silent loss: " + std::to_string(got.size()) + " delivered and " + std::to_string(missing) + " reported of " +
           std::to_string(last - first + 1);
  return std::nullopt;
}

std::string bug_from_env() {
  const char* v = std::getenv("MOSAIK_STREAM_BUG");
  return v == nullptr ? "" : v;
}

history run(std::uint64_t seed) {
  cluster c{1 + consumers, seed};
  c.start_all();
  rng r{seed};
  history h;
  auto p = c.produce(0, {ticks, {}, {}, streams::subscribed()});
  std::vector<streams::consumer_handle> hs;
  for (std::size_t k = 1; k <= consumers; ++k) {
    streams::consumer_options o;
    o.receive_window = 64; // small, so the producer's queues fill under faults
    streams::consumer_setup setup{ticks, o, {}, streams::minimum_of(0)};
    setup.bugs.hide_gaps = bug_from_env() == "hide-gaps";
    hs.push_back(c.consume(k, setup));
  }
  auto subscribed = [&] {
    auto info = answer(c, c.request<streams::producer_info>(0, p, streams::get_producer_info{}));
    return info && info->channels.size() == consumers;
  };
  REQUIRE(c.run_until(subscribed, 60s));
  std::vector<bool> cut(1 + consumers, false);
  std::uint64_t next_value = 1000;
  for (int round = 0; round < 12; ++round) {
    publish_burst(c, p, h, next_value, 1 + r.below(40));
    if (r.below(2) == 0)
      fault(c, r, cut, h);
    if (r.below(3) == 0)
      pull_all(c, hs, h);
    c.run(std::chrono::milliseconds{r.below(3000)});
  }
  for (std::size_t j = 1; j <= consumers; ++j)
    if (cut[j])
      c.heal(0, j);
  REQUIRE(c.run_until(subscribed, 400s)); // backoff waits grow to a minute
  publish_burst(c, p, h, next_value, 10);
  c.run(5s);
  pull_all(c, hs, h);
  return h;
}

} // namespace

TEST_CASE("sim streams: seeded runs with faults deliver in order and report every loss") {
  auto first = test::env_number("MOSAIK_STREAM_SEED");
  auto count = test::env_number("MOSAIK_STREAM_SEEDS").value_or(first ? 1 : 8);
  for (auto seed = first.value_or(1); seed < first.value_or(1) + count; ++seed) {
    auto h = run(seed);
    std::size_t delivered = 0;
    for (const auto& g : h.got)
      delivered += g.size();
    std::cout << "seed=" << seed << " sent=" << h.sent.size() << " delivered=" << delivered
              << " faults=" << h.faults << "\n";
    for (std::size_t k = 0; k < consumers; ++k)
      if (auto bad = check(h, k)) {
        std::cout << "VIOLATION seed=" << seed << ": " << *bad << "\n"
                  << "replay: MOSAIK_STREAM_SEED=" << seed << " tests/sim/sim_streams -tc='*seeded runs*'"
                  << std::endl;
        FAIL_CHECK("seed ", seed, ": ", *bad);
      }
  }
}
