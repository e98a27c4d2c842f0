#pragma once
// Peers, ids and message helpers shared by the streams unit tests.

#include "actors/core/streams/channel.hpp"
#include "actors/core/streams/conditions.hpp"
#include "actors/core/streams/messages.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace mosaik::streams::testing {

using namespace std::chrono_literals;

inline peer_id peer_of(std::uint8_t n) {
  peer_id::array_type raw{};
  raw.fill(n);
  return peer_id{raw};
}

inline const network_id& test_network() {
  static const auto id = network_id::from("streams-test");
  return id;
}

inline const stream_id& test_stream() {
  static const auto id = stream_id::from("ticks");
  return id;
}

/// Peer `n` as the catalog describes it: listing the test stream (unless
/// `producing` is false), with `tags`, and an RTT sample of `rtt_ms`
/// (none when negative).
inline peer_description describe(std::uint8_t n, std::vector<std::string> tags = {},
                                 bool producing = true, long rtt_ms = 1) {
  discovery::peer_entry e{"mosaik-cpp/test", test_network(), peer_of(n), {1, 1}};
  for (const auto& t : tags)
    e.add_tag(tag::from(t));
  if (producing)
    e.add_stream(test_stream());
  peer_description d{std::move(e), true, millis{0}, std::nullopt};
  if (rtt_ms >= 0)
    d.rtt = std::chrono::microseconds{rtt_ms * 1000};
  return d;
}

inline shared_datum datum_of(std::size_t size, std::uint8_t fill = 0x5a) {
  return make_datum(bytes(size, fill));
}

/// The messages of `out` to `to` that hold a T.
template <class T>
std::vector<T> sent(const std::vector<outgoing>& out, const peer_id& to) {
  std::vector<T> found;
  for (const auto& o : out)
    if (o.to == to)
      if (auto* m = std::get_if<T>(&o.msg))
        found.push_back(*m);
  return found;
}

/// The only T sent to `to`.
template <class T>
T only(const std::vector<outgoing>& out, const peer_id& to) {
  auto found = sent<T>(out, to);
  REQUIRE(found.size() == 1);
  return found.front();
}

} // namespace mosaik::streams::testing
