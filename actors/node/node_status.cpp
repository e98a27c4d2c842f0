// The node's status: its links from the node's own state, its tags and
// catalog from the discovery actor when there is one.
#include "actors/discovery/discovery_api.hpp"
#include "actors/node/node_internal.hpp"
#include "schemas/codec/status_codec.hpp"

#include <caf/event_based_actor.hpp>

#include <algorithm>
#include <chrono>

namespace mosaik::node {

namespace {

/// How long a status answer waits for the discovery actor's catalog.
constexpr auto catalog_timeout = std::chrono::seconds{1};

template <class Duration>
std::uint64_t non_negative(Duration d) {
  return static_cast<std::uint64_t>(std::max<typename Duration::rep>(0, d.count()));
}

wire::catalog_status to_status(const discovery::peer_info& p) {
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

void with_status(node_actor* self, std::function<void(wire::node_status)> done) {
  auto& st = self->state;
  if (!st.discovery) {
    done(st.status(now(self)));
    return;
  }
  self->request(st.discovery, catalog_timeout, discovery::get_catalog{})
    .then(
      [=](discovery::catalog_snapshot& snap) {
        auto s = self->state.status(now(self));
        const auto& tags = snap.me.entry().tags();
        s.tags.assign(tags.begin(), tags.end());
        // A status reader refuses longer lists; the metrics give the size.
        auto rows = std::min(snap.peers.size(), codec::max_status_catalog);
        for (std::size_t i = 0; i < rows; ++i)
          s.catalog.push_back(to_status(snap.peers[i]));
        done(std::move(s));
      },
      [=](caf::error&) {
        self->state.count("mosaik.network.status.catalog_unavailable");
        done(self->state.status(now(self)));
      });
}

void answer_status(node_actor* self, connection_handle conn) {
  with_status(self, [=](wire::node_status s) {
    auto& st = self->state;
    auto c = st.conns.find(conn);
    if (c == st.conns.end() || c->second.current != transport::connection::phase::client)
      return; // the client went away meanwhile
    write_frame(self, conn, {wire::frame_kind::status, 0, codec::encode_status(s), {}});
    forget_connection(self, conn, wire::close_reason::unspecified, "status answered");
  });
}

} // namespace mosaik::node
