#include "schemas/codec/status_codec.hpp"

#include "schemas/codec/message_reader.hpp"
#include "schemas/status.capnp.h"

namespace mosaik::codec {

namespace {

unexpected<decode_error> bad_field(std::string detail) {
  return unexpected{decode_error{decode_errc::bad_field, std::move(detail)}};
}

kj::ArrayPtr<const kj::byte> as_capnp(byte_view v) {
  return kj::arrayPtr(v.data(), v.size());
}

byte_view as_view(capnp::Data::Reader d) {
  return {d.begin(), d.size()};
}

void set_endpoint(schema::Endpoint::Builder b, const wire::endpoint& e) {
  b.setHost(e.host);
  b.setPort(e.port);
}

std::optional<wire::endpoint> get_endpoint(schema::Endpoint::Reader r) {
  auto host = r.getHost();
  if (host.size() > max_status_text_bytes)
    return std::nullopt;
  return wire::endpoint{std::string(host.cStr(), host.size()), r.getPort()};
}

} // namespace

bytes encode_status(const wire::node_status& s) {
  capnp::MallocMessageBuilder builder;
  auto root = builder.initRoot<schema::Status>();
  root.setPeerId(as_capnp(s.peer.view()));
  root.setNetworkId(as_capnp(s.network.view()));
  set_endpoint(root.initListenAddress(), s.listen_address);
  root.setUptimeMs(s.uptime_ms);
  auto peers = root.initPeers(static_cast<unsigned>(s.peers.size()));
  for (unsigned i = 0; i < s.peers.size(); ++i) {
    peers[i].setPeerId(as_capnp(s.peers[i].peer.view()));
    set_endpoint(peers[i].initAddress(), s.peers[i].address);
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
      auto listen = get_endpoint(r.getListenAddress());
      if (!listen)
        return bad_field("status.listenAddress.host exceeds 255 bytes");
      s.listen_address = *listen;
      s.uptime_ms = r.getUptimeMs();
      auto peers = r.getPeers();
      if (peers.size() > max_status_peers)
        return bad_field("status.peers has too many entries");
      for (auto p : peers) {
        auto id = peer_id::from_bytes(as_view(p.getPeerId()));
        if (!id)
          return bad_field("status.peers.peerId must be 32 bytes");
        auto addr = get_endpoint(p.getAddress());
        auto state = p.getState();
        if (!addr || state.size() > max_status_text_bytes)
          return bad_field("status.peers has an over-long text");
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
