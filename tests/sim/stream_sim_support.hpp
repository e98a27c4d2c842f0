#pragma once
// What the streams sim tests share: setups of the test stream, datums that
// carry a number, requests that must be answered, pulls, and the checks on
// what a consumer got (order, silent loss, accounting).

#include "actors/codec/value_codec.hpp"
#include "tests/support/testing.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mosaik::stream_sim {

using namespace std::chrono_literals;
using testing::cluster;

inline const stream_id ticks = streams::stream_id_of("sim.ticks");

inline streams::producer_setup producer_setup(streams::producer_options o = {}) {
  return {ticks, o, {}, streams::subscribed()};
}

inline streams::consumer_setup consumer_setup(streams::consumer_options o = {}) {
  return {ticks, o, {}, streams::minimum_of(0)};
}

inline streams::shared_datum datum_of(std::uint64_t k) {
  return streams::make_datum(value_codec<std::uint64_t>::encode(k));
}

inline std::uint64_t value_of(const streams::received_datum& d) {
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

inline std::size_t subscriptions(cluster& c, std::size_t i, const streams::producer_handle& p) {
  return answer(c, c.request<streams::producer_info>(i, p, streams::get_producer_info{})).channels.size();
}

/// Publishes `values` from node i in order, each waiting for room.
inline void publish_all(cluster& c, std::size_t i, const streams::producer_handle& p,
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

inline pulled pull(cluster& c, std::size_t i, const streams::consumer_handle& h, std::size_t n,
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

inline std::vector<std::uint64_t> range(std::uint64_t first, std::uint64_t n) {
  std::vector<std::uint64_t> out(n);
  for (std::uint64_t k = 0; k < n; ++k)
    out[k] = first + k;
  return out;
}

inline std::vector<std::uint64_t> values(const pulled& p) {
  std::vector<std::uint64_t> out;
  for (const auto& d : p.datums)
    out.push_back(value_of(d));
  return out;
}

inline std::vector<std::uint64_t> seqs(const pulled& p) {
  std::vector<std::uint64_t> out;
  for (const auto& d : p.datums)
    out.push_back(d.seq);
  return out;
}

/// Every jump in the sequence numbers a consumer got from one producer
/// epoch was reported as a gap of exactly that size: nothing lost silently.
/// The datums of `p` come from one producer incarnation.
inline std::optional<std::string> silent_loss(const pulled& p) {
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
inline std::uint64_t accounted(const pulled& p) {
  std::uint64_t n = p.datums.size();
  for (const auto& g : p.gaps)
    n += g.missing;
  return n;
}


} // namespace mosaik::stream_sim
