// The node's side of its dial table (actors/core/link/dial_table.hpp): feeds
// it, then carries out what it asks: connect, arm retry timers, count and
// log the addresses it gave up.
#include "actors/node/node_internal.hpp"
#include "actors/transport/tcp_connect.hpp"

#include <caf/actor_system.hpp>

namespace mosaik::node {

namespace {

void connect(node_actor* self, const link::dial_output::connect& c) {
  auto conn = transport::connect_tcp(self, c.to.host, c.to.port);
  if (!conn)
    return dial_failed(self, c.dial, wire::close_reason::connection_lost,
                       "cannot reach " + link::to_string(c.to) + ": " + self->system().render(conn.error()));
  self->state.dials.on_connected(c.dial);
  begin_handshake(self, *conn, c.dial, c.to.host);
}

void log_given_up(node_state& st, const link::dial_output::given_up& g) {
  if (g.self_connection) {
    st.log->warn("{} is this node itself; not dialling it again", link::to_string(g.address));
    return;
  }
  st.log->info("giving up on {} after {} failed attempts", link::to_string(g.address), g.failures);
  st.count("mosaik.network.link.dials.given_up");
}

/// Carries out what the table asks until it asks nothing more (a connect
/// that fails at once is a new input).
void run_dials(node_actor* self) {
  auto& st = self->state;
  for (auto out = st.dials.take_output(); !out.empty(); out = st.dials.take_output()) {
    if (out.refused > 0)
      st.count("mosaik.network.link.dials.refused", {}, out.refused);
    for (const auto& g : out.forgotten)
      log_given_up(st, g);
    for (const auto& r : out.retries)
      self->delayed_send(self, r.delay, redial{r.dial, r.attempt});
    for (const auto& c : out.connects)
      connect(self, c);
  }
}

} // namespace

void add_dial(node_actor* self, const link::peer_address& address, bool persistent) {
  self->state.dials.add(address, persistent);
  run_dials(self);
}

void on_redial(node_actor* self, const redial& r) {
  self->state.dials.on_retry_timer(r.dial, r.attempt);
  run_dials(self);
}

void dial_failed(node_actor* self, std::uint64_t dial, wire::close_reason reason, const std::string& detail) {
  auto& st = self->state;
  const auto* address = st.dials.address(dial);
  if (address == nullptr)
    return;
  st.count("mosaik.network.link.dials.failed");
  st.log->debug("dial {} failed: {}", link::to_string(*address), detail);
  st.dials.on_failed(dial, reason, st.rng);
  run_dials(self);
}

void plan_reconnect(node_actor* self, const peer_id& peer, const wire::endpoint& address,
                    wire::close_reason reason) {
  auto& st = self->state;
  st.dials.on_link_down(peer, address, reason, st.rng);
  run_dials(self);
}

} // namespace mosaik::node
