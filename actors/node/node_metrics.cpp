#include "actors/node/node_metrics.hpp"

namespace mosaik::node {

node_metrics node_metrics::bind(metrics::registry& r) {
  node_metrics m;
  m.connections_opened = r.counter("mosaik.network.connections.opened");
  m.connections_closed = r.counter("mosaik.network.connections.closed");
  m.egress_bytes = r.counter("mosaik.network.egress.bytes");
  m.ingress_bytes = r.counter("mosaik.network.ingress.bytes");
  m.frames_sent = r.counter("mosaik.network.link.frames.sent");
  m.frames_received = r.counter("mosaik.network.link.frames.received");
  for (std::size_t i = 0; i < drop_cause_count; ++i)
    m.dropped[i] = r.counter("mosaik.network.link.frames.dropped",
                             {{"cause", std::string{to_string(static_cast<drop_cause>(i))}}});
  m.unexpected = r.counter("mosaik.network.link.messages.dropped", {{"cause", "unexpected"}});
  return m;
}

} // namespace mosaik::node
