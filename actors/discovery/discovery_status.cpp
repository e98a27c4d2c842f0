// Discovery's part of the node's status.
#include "actors/discovery/discovery_actor.hpp"

#include <algorithm>

namespace mosaik::discovery {

namespace {

template <class Duration>
std::uint64_t non_negative(Duration d) {
  return static_cast<std::uint64_t>(std::max<typename Duration::rep>(0, d.count()));
}

wire::catalog_status to_status(const peer_info& p) {
  const auto& e = p.entry;
  wire::catalog_status c;
  c.peer = e.peer();
  c.tags.assign(e.tags().begin(), e.tags().end());
  c.version_start_ms = e.version().start_ms;
  c.version_update_ms = e.version().update_ms;
  c.age_ms = non_negative(p.age);
  c.addresses.assign(e.addresses().begin(), e.addresses().end());
  c.is_signed = p.is_signed;
  c.rtt_us = p.rtt ? non_negative(*p.rtt) : 0;
  return c;
}

} // namespace

node::status_part status_part_of(const catalog_snapshot& snap) {
  node::status_part part;
  const auto& tags = snap.me.entry().tags();
  part.tags.assign(tags.begin(), tags.end());
  part.catalog.reserve(snap.peers.size());
  for (const auto& p : snap.peers)
    part.catalog.push_back(to_status(p));
  return part;
}

} // namespace mosaik::discovery
