#include "schemas/codec/status_codec.hpp"

#include "schemas/codec/endpoint_fields.hpp"
#include "schemas/codec/message_reader.hpp"
#include "schemas/status.capnp.h"

#include <algorithm>

namespace mosaik::codec {

namespace {

void write_tags(capnp::List<capnp::Data>::Builder out, const std::vector<tag>& tags) {
  for (unsigned i = 0; i < tags.size(); ++i)
    out.set(i, as_capnp(tags[i].view()));
}

expected<std::vector<tag>, decode_error> read_tags(capnp::List<capnp::Data>::Reader in,
                                                   const char* field) {
  if (in.size() > max_status_tags)
    return bad_field(std::string{field} + " has too many entries");
  std::vector<tag> out;
  for (auto t : in) {
    auto id = tag::from_bytes(as_view(t));
    if (!id)
      return bad_field(std::string{field} + " entries must be 32 bytes");
    out.push_back(*id);
  }
  return out;
}

void write_catalog(capnp::List<schema::CatalogEntry>::Builder out,
                   const std::vector<wire::catalog_status>& catalog) {
  for (unsigned i = 0; i < catalog.size(); ++i) {
    const auto& c = catalog[i];
    out[i].setPeerId(as_capnp(c.peer.view()));
    write_tags(out[i].initTags(static_cast<unsigned>(c.tags.size())), c.tags);
    out[i].setVersionStartMs(c.version_start_ms);
    out[i].setVersionUpdateMs(c.version_update_ms);
    out[i].setAgeMs(c.age_ms);
    auto addresses = out[i].initAddresses(static_cast<unsigned>(c.addresses.size()));
    for (unsigned a = 0; a < c.addresses.size(); ++a)
      write_endpoint(addresses[a], c.addresses[a]);
    out[i].setSigned(c.is_signed);
    out[i].setRttUs(c.rtt_us);
  }
}

expected<wire::catalog_status, decode_error> read_catalog_entry(schema::CatalogEntry::Reader r) {
  wire::catalog_status c;
  auto id = peer_id::from_bytes(as_view(r.getPeerId()));
  if (!id)
    return bad_field("status.catalog.peerId must be 32 bytes");
  c.peer = *id;
  auto tags = read_tags(r.getTags(), "status.catalog.tags");
  if (!tags)
    return unexpected{tags.error()};
  c.tags = std::move(*tags);
  c.version_start_ms = r.getVersionStartMs();
  c.version_update_ms = r.getVersionUpdateMs();
  c.age_ms = r.getAgeMs();
  if (r.getAddresses().size() > max_status_catalog_addresses)
    return bad_field("status.catalog.addresses has too many entries");
  for (auto a : r.getAddresses()) {
    auto e = read_endpoint(a, "status.catalog.addresses");
    if (!e)
      return unexpected{e.error()};
    c.addresses.push_back(*e);
  }
  c.is_signed = r.getSigned();
  c.rtt_us = r.getRttUs();
  return c;
}

void write_groups(capnp::List<schema::GroupStatus>::Builder out,
                  const std::vector<wire::group_status>& groups) {
  for (unsigned i = 0; i < groups.size(); ++i) {
    const auto& g = groups[i];
    out[i].setGroupId(as_capnp(g.id.view()));
    out[i].setRole(as_text(g.role));
    if (g.leader)
      out[i].setLeader(as_capnp(g.leader->view()));
    out[i].setTerm(g.term);
    out[i].setCommit(g.commit);
    out[i].setApplied(g.applied);
    out[i].setLastIndex(g.last_index);
    out[i].setOnline(g.online);
    auto bonds = out[i].initBonds(static_cast<unsigned>(g.bonds.size()));
    for (unsigned b = 0; b < g.bonds.size(); ++b)
      bonds.set(b, as_capnp(g.bonds[b].view()));
  }
}

expected<std::vector<peer_id>, decode_error> read_bonds(capnp::List<capnp::Data>::Reader in) {
  if (in.size() > max_status_group_bonds)
    return bad_field("status.groups.bonds has too many entries");
  std::vector<peer_id> out;
  for (auto b : in) {
    auto id = peer_id::from_bytes(as_view(b));
    if (!id)
      return bad_field("status.groups.bonds entries must be 32 bytes");
    if (!out.empty() && !(out.back() < *id))
      return bad_field("status.groups.bonds must be sorted and unique");
    out.push_back(*id);
  }
  return out;
}

expected<wire::group_status, decode_error> read_group(schema::GroupStatus::Reader r) {
  wire::group_status g;
  auto id = group_id::from_bytes(as_view(r.getGroupId()));
  if (!id)
    return bad_field("status.groups.groupId must be 32 bytes");
  g.id = *id;
  std::string_view role{r.getRole().cStr(), r.getRole().size()};
  if (std::find(wire::group_roles.begin(), wire::group_roles.end(), role) == wire::group_roles.end())
    return bad_field("status.groups.role is not a known role");
  g.role = std::string{role};
  if (r.getLeader().size() != 0) {
    auto leader = peer_id::from_bytes(as_view(r.getLeader()));
    if (!leader)
      return bad_field("status.groups.leader must be empty or 32 bytes");
    g.leader = *leader;
  }
  g.term = r.getTerm();
  g.commit = r.getCommit();
  g.applied = r.getApplied();
  g.last_index = r.getLastIndex();
  g.online = r.getOnline();
  auto bonds = read_bonds(r.getBonds());
  if (!bonds)
    return unexpected{bonds.error()};
  g.bonds = std::move(*bonds);
  return g;
}

void write_streams(capnp::List<schema::StreamStatus>::Builder out,
                   const std::vector<wire::stream_status>& streams) {
  for (unsigned i = 0; i < streams.size(); ++i) {
    const auto& s = streams[i];
    out[i].setStreamId(as_capnp(s.id.view()));
    out[i].setProducer(s.producer);
    out[i].setOnline(s.online);
    auto channels = out[i].initChannels(static_cast<unsigned>(s.channels.size()));
    for (unsigned k = 0; k < s.channels.size(); ++k) {
      channels[k].setPeer(as_capnp(s.channels[k].peer.view()));
      channels[k].setState(as_text(s.channels[k].state));
      channels[k].setDatums(s.channels[k].datums);
      channels[k].setBytes(s.channels[k].bytes);
    }
  }
}

expected<wire::stream_channel_status, decode_error> read_channel(schema::StreamChannelStatus::Reader r) {
  auto peer = peer_id::from_bytes(as_view(r.getPeer()));
  if (!peer)
    return bad_field("status.streams.channels.peer must be 32 bytes");
  std::string_view state{r.getState().cStr(), r.getState().size()};
  const auto& known = wire::stream_channel_states;
  if (std::find(known.begin(), known.end(), state) == known.end())
    return bad_field("status.streams.channels.state is not a known state");
  return wire::stream_channel_status{*peer, std::string{state}, r.getDatums(), r.getBytes()};
}

expected<wire::stream_status, decode_error> read_stream(schema::StreamStatus::Reader r) {
  wire::stream_status s;
  auto id = stream_id::from_bytes(as_view(r.getStreamId()));
  if (!id)
    return bad_field("status.streams.streamId must be 32 bytes");
  s.id = *id;
  s.producer = r.getProducer();
  s.online = r.getOnline();
  if (r.getChannels().size() > max_status_stream_channels)
    return bad_field("status.streams.channels has too many entries");
  for (auto c : r.getChannels()) {
    auto channel = read_channel(c);
    if (!channel)
      return unexpected{channel.error()};
    if (!s.channels.empty() && !(s.channels.back().peer < channel->peer))
      return bad_field("status.streams.channels must be sorted by peer and unique");
    s.channels.push_back(std::move(*channel));
  }
  return s;
}

} // namespace

bytes encode_status(const wire::node_status& s) {
  capnp::MallocMessageBuilder builder;
  auto root = builder.initRoot<schema::Status>();
  root.setPeerId(as_capnp(s.peer.view()));
  root.setNetworkId(as_capnp(s.network.view()));
  write_endpoint(root.initListenAddress(), s.listen_address);
  root.setUptimeMs(s.uptime_ms);
  auto peers = root.initPeers(static_cast<unsigned>(s.peers.size()));
  for (unsigned i = 0; i < s.peers.size(); ++i) {
    peers[i].setPeerId(as_capnp(s.peers[i].peer.view()));
    write_endpoint(peers[i].initAddress(), s.peers[i].address);
    peers[i].setRttUs(s.peers[i].rtt_us);
    peers[i].setState(as_text(s.peers[i].state));
  }
  auto counters = root.initCounters(static_cast<unsigned>(s.counters.size()));
  for (unsigned i = 0; i < s.counters.size(); ++i) {
    counters[i].setName(as_text(s.counters[i].first));
    counters[i].setValue(s.counters[i].second);
  }
  write_tags(root.initTags(static_cast<unsigned>(s.tags.size())), s.tags);
  write_catalog(root.initCatalog(static_cast<unsigned>(s.catalog.size())), s.catalog);
  write_groups(root.initGroups(static_cast<unsigned>(s.groups.size())), s.groups);
  write_streams(root.initStreams(static_cast<unsigned>(s.streams.size())), s.streams);
  return detail::to_bytes(builder);
}

expected<wire::node_status, decode_error> decode_status(byte_view data,
                                                        const decode_limits& limits) {
  using result = expected<wire::node_status, decode_error>;
  return detail::read_message<schema::Status, wire::node_status>(
    data, limits.max_bytes, limits, [](schema::Status::Reader r) -> result {
      wire::node_status s;
      auto peer = peer_id::from_bytes(as_view(r.getPeerId()));
      if (!peer)
        return bad_field("status.peerId must be 32 bytes");
      s.peer = *peer;
      auto network = network_id::from_bytes(as_view(r.getNetworkId()));
      if (!network)
        return bad_field("status.networkId must be 32 bytes");
      s.network = *network;
      auto listen = read_endpoint(r.getListenAddress(), "status.listenAddress");
      if (!listen)
        return unexpected{listen.error()};
      s.listen_address = *listen;
      s.uptime_ms = r.getUptimeMs();
      auto peers = r.getPeers();
      if (peers.size() > max_status_peers)
        return bad_field("status.peers has too many entries");
      for (auto p : peers) {
        auto id = peer_id::from_bytes(as_view(p.getPeerId()));
        if (!id)
          return bad_field("status.peers.peerId must be 32 bytes");
        auto addr = read_endpoint(p.getAddress(), "status.peers.address");
        if (!addr)
          return unexpected{addr.error()};
        auto state = p.getState();
        if (state.size() > max_status_text_bytes)
          return bad_field("status.peers.state exceeds 255 bytes");
        s.peers.push_back({*id, *addr, p.getRttUs(), std::string(state.cStr(), state.size())});
      }
      auto counters = r.getCounters();
      if (counters.size() > max_status_counters)
        return bad_field("status.counters has too many entries");
      for (auto c : counters) {
        auto name = c.getName();
        if (name.size() > max_status_text_bytes)
          return bad_field("status.counters.name exceeds 255 bytes");
        s.counters.emplace_back(std::string(name.cStr(), name.size()), c.getValue());
      }
      auto tags = read_tags(r.getTags(), "status.tags");
      if (!tags)
        return unexpected{tags.error()};
      s.tags = std::move(*tags);
      if (r.getCatalog().size() > max_status_catalog)
        return bad_field("status.catalog has too many entries");
      for (auto c : r.getCatalog()) {
        auto entry = read_catalog_entry(c);
        if (!entry)
          return unexpected{entry.error()};
        s.catalog.push_back(std::move(*entry));
      }
      if (r.getGroups().size() > max_status_groups)
        return bad_field("status.groups has too many entries");
      for (auto g : r.getGroups()) {
        auto group = read_group(g);
        if (!group)
          return unexpected{group.error()};
        s.groups.push_back(std::move(*group));
      }
      if (r.getStreams().size() > max_status_streams)
        return bad_field("status.streams has too many entries");
      for (auto st : r.getStreams()) {
        auto stream = read_stream(st);
        if (!stream)
          return unexpected{stream.error()};
        s.streams.push_back(std::move(*stream));
      }
      return s;
    });
}

} // namespace mosaik::codec
