#pragma once
// The node's series that are counted per frame, looked up once when the node
// starts so that counting costs one atomic add and no name lookup. Rarer
// events (closes, bans, dials) go through node_state::count.

#include "actors/metrics/registry.hpp"
#include "actors/node/drop_cause.hpp"

#include <array>

namespace mosaik::node {

struct node_metrics {
  metrics::counter connections_opened; // mosaik.network.connections.opened
  metrics::counter connections_closed; // mosaik.network.connections.closed
  metrics::counter egress_bytes;       // mosaik.network.egress.bytes (frame payloads sent on links)
  metrics::counter ingress_bytes;      // mosaik.network.ingress.bytes (frame payloads received on links)
  metrics::counter frames_sent;        // mosaik.network.link.frames.sent
  metrics::counter frames_received;    // mosaik.network.link.frames.received
  std::array<metrics::counter, drop_cause_count> dropped; // mosaik.network.link.frames.dropped{cause}
  metrics::counter unexpected; // mosaik.network.link.messages.dropped{cause="unexpected"}: not a frame

  static node_metrics bind(metrics::registry& r);
  metrics::counter& drops(drop_cause c) { return dropped[static_cast<std::size_t>(c)]; }
};

} // namespace mosaik::node
