#include "schemas/codec/status_codec.hpp"

#include "schemas/codec/endpoint_fields.hpp"
#include "schemas/codec/message_reader.hpp"
#include "schemas/status.capnp.h"

namespace mosaik::codec {

namespace {

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
    peers[i].setState(s.peers[i].state);
  }
  auto counters = root.initCounters(static_cast<unsigned>(s.counters.size()));
  for (unsigned i = 0; i < s.counters.size(); ++i) {
    counters[i].setName(s.counters[i].first);
    counters[i].setValue(s.counters[i].second);
  }
  auto tags = root.initTags(static_cast<unsigned>(s.tags.size()));
  for (unsigned i = 0; i < s.tags.size(); ++i)
    tags.set(i, as_capnp(s.tags[i].view()));
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
      auto tags = r.getTags();
      if (tags.size() > max_status_tags)
        return bad_field("status.tags has too many entries");
      for (auto t : tags) {
        auto id = tag::from_bytes(as_view(t));
        if (!id)
          return bad_field("status.tags entries must be 32 bytes");
        s.tags.push_back(*id);
      }
      return s;
    });
}

} // namespace mosaik::codec
