// The node's status: its links from the node's own state, the rest (tags,
// catalog, groups, streams) from the status contributors registered by the subsystems
// above.
#include "actors/node/node_internal.hpp"
#include "schemas/codec/status_codec.hpp"

#include <caf/event_based_actor.hpp>

#include <algorithm>
#include <chrono>

namespace mosaik::node {

namespace {

/// How long a status answer waits for each contributor's part.
constexpr auto contributor_timeout = std::chrono::seconds{1};

/// The parts asked for one status answer; `done` runs once every
/// contributor answered or timed out.
struct status_gathering {
  std::vector<std::optional<status_part>> parts;
  std::size_t pending = 0;
  std::function<void(wire::node_status)> done;
};

void add(wire::node_status& s, status_part& part) {
  s.tags.insert(s.tags.end(), part.tags.begin(), part.tags.end());
  s.catalog.insert(s.catalog.end(), std::make_move_iterator(part.catalog.begin()),
                   std::make_move_iterator(part.catalog.end()));
  s.groups.insert(s.groups.end(), std::make_move_iterator(part.groups.begin()),
                  std::make_move_iterator(part.groups.end()));
  s.streams.insert(s.streams.end(), std::make_move_iterator(part.streams.begin()),
                   std::make_move_iterator(part.streams.end()));
}

/// Groups by id, each one's bonds sorted and unique and every list within
/// what a status reader accepts, so that the answer always decodes.
void bound_groups(std::vector<wire::group_status>& groups) {
  std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  if (groups.size() > codec::max_status_groups)
    groups.resize(codec::max_status_groups);
  for (auto& g : groups) {
    std::sort(g.bonds.begin(), g.bonds.end());
    g.bonds.erase(std::unique(g.bonds.begin(), g.bonds.end()), g.bonds.end());
    if (g.bonds.size() > codec::max_status_group_bonds)
      g.bonds.resize(codec::max_status_group_bonds);
  }
}

/// Producers then consumers, each by id, channels by peer, within what a
/// status reader accepts.
void bound_streams(std::vector<wire::stream_status>& streams) {
  std::sort(streams.begin(), streams.end(), [](const auto& a, const auto& b) {
    return std::pair{!a.producer, a.id} < std::pair{!b.producer, b.id};
  });
  if (streams.size() > codec::max_status_streams)
    streams.resize(codec::max_status_streams);
  for (auto& s : streams) {
    auto by_peer = [](const auto& a, const auto& b) { return a.peer < b.peer; };
    std::sort(s.channels.begin(), s.channels.end(), by_peer);
    s.channels.erase(std::unique(s.channels.begin(), s.channels.end(),
                                 [](const auto& a, const auto& b) { return a.peer == b.peer; }),
                     s.channels.end());
    if (s.channels.size() > codec::max_status_stream_channels)
      s.channels.resize(codec::max_status_stream_channels);
  }
}

void finish(node_actor* self, status_gathering& g) {
  auto s = self->state.status(now(self));
  for (auto& part : g.parts)
    if (part)
      add(s, *part);
  // A status reader refuses longer lists; the metrics give the size.
  if (s.catalog.size() > codec::max_status_catalog)
    s.catalog.resize(codec::max_status_catalog);
  bound_groups(s.groups);
  bound_streams(s.streams);
  g.done(std::move(s));
}

} // namespace

void with_status(node_actor* self, std::function<void(wire::node_status)> done) {
  auto& st = self->state;
  auto g = std::make_shared<status_gathering>();
  g->parts.resize(st.status_contributors.size());
  g->pending = st.status_contributors.size();
  g->done = std::move(done);
  if (g->pending == 0)
    return finish(self, *g);
  for (std::size_t i = 0; i < st.status_contributors.size(); ++i) {
    auto answered = [=] {
      if (--g->pending == 0)
        finish(self, *g);
    };
    self->request(st.status_contributors[i], contributor_timeout, contribute_status{})
      .then(
        [=](status_part& part) {
          g->parts[i] = std::move(part);
          answered();
        },
        [=](caf::error&) {
          self->state.count("mosaik.network.status.parts_missing");
          answered();
        });
  }
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
