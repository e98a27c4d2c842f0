#include "actors/core/link/admission.hpp"

#include <map>
#include <optional>
#include <tuple>

namespace mosaik::link {

namespace {

struct host_load {
  std::size_t connections = 0;
  std::size_t handshakes = 0;
};

using measure = std::size_t host_load::*;

/// The incoming handshake to evict so that a newcomer whose host has
/// `own` (by `by`) gets in: from the most loaded host holding more than
/// `own`; among its handshakes those without a hello first, then the oldest.
std::optional<std::uint64_t> victim(std::span<const open_connection> open,
                                    const std::map<std::string_view, host_load>& hosts, measure by,
                                    std::size_t own) {
  const open_connection* best = nullptr;
  auto rank = [&](const open_connection& c) {
    // Larger is evicted first: host load, no progress, older.
    return std::tuple{hosts.at(c.source).*by, !c.hello_seen, ~c.age};
  };
  for (const auto& c : open) {
    if (!c.incoming || !c.handshaking || hosts.at(c.source).*by <= own)
      continue;
    if (!best || rank(c) > rank(*best))
      best = &c;
  }
  if (!best)
    return std::nullopt;
  return best->key;
}

} // namespace

admission admit(const link_config& lc, std::span<const open_connection> open, std::string_view source) {
  std::map<std::string_view, host_load> hosts;
  std::size_t handshakes = 0;
  for (const auto& c : open) {
    auto& h = hosts[c.source];
    ++h.connections;
    h.handshakes += c.handshaking ? 1 : 0;
    handshakes += c.handshaking ? 1 : 0;
  }
  auto own = hosts[source]; // a copy: zero for a new host
  if (own.connections >= lc.max_connections_per_address)
    return {admission::verdict::refuse, "per_address"};
  if (own.handshakes >= lc.max_handshakes_per_address)
    return {admission::verdict::refuse, "handshakes_per_address"};
  auto full = [&](std::string_view limit, measure by) -> admission {
    if (auto v = victim(open, hosts, by, own.*by))
      return {admission::verdict::evict_then_admit, limit, *v};
    return {admission::verdict::refuse, limit};
  };
  if (open.size() >= lc.max_connections)
    return full("total", &host_load::connections);
  if (handshakes >= lc.max_pending_handshakes)
    return full("handshakes", &host_load::handshakes);
  return {};
}

} // namespace mosaik::link
