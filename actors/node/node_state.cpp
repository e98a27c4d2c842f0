#include "actors/node/node_state.hpp"

#include "schemas/codec/status_codec.hpp"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <chrono>

namespace mosaik::node {

wire::node_status node_state::status(link::time_point now) const {
  wire::node_status s;
  s.peer = me.self;
  s.network = me.network;
  s.listen_address = me.listen;
  s.uptime_ms = static_cast<std::uint64_t>(
    std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(now - started)
                                .count()));
  for (const auto& [peer, l] : links.entries())
    s.peers.push_back({peer, l.address,
                       static_cast<std::uint64_t>(l.rtt.has_sample() ? l.rtt.srtt().count() : 0),
                       "up"});
  for (const auto& [name, value] : metrics->snapshot()) {
    if (s.counters.size() == codec::max_status_counters)
      break; // what a status reader accepts
    s.counters.emplace_back(name, value > 0 ? static_cast<std::uint64_t>(std::llround(value)) : 0);
  }
  s.tags = cfg.tags;
  return s;
}

std::uint64_t node_state::counter(const std::string& name, const metrics::labels& l) const {
  return static_cast<std::uint64_t>(metrics->value(name, l));
}

wire::nonce node_state::fresh_nonce() {
  wire::nonce n;
  if (cfg.seed) {
    for (auto& b : n)
      b = static_cast<std::uint8_t>(rng());
  } else {
    randombytes_buf(n.data(), n.size());
  }
  return n;
}

} // namespace mosaik::node
