#include "schemas/codec/peers_codec.hpp"

#include "schemas/codec/endpoint_fields.hpp"
#include "schemas/codec/message_reader.hpp"
#include "schemas/peers.capnp.h"

namespace mosaik::codec {

bytes encode_peer_hints(const std::vector<link::peer_address>& peers) {
  std::vector<const link::peer_address*> kept;
  for (const auto& p : peers)
    if (p.peer && kept.size() < max_peer_hints)
      kept.push_back(&p);
  capnp::MallocMessageBuilder builder;
  auto list = builder.initRoot<schema::PeerHints>().initPeers(static_cast<unsigned>(kept.size()));
  for (unsigned i = 0; i < kept.size(); ++i) {
    auto id = kept[i]->peer->view();
    list[i].setPeerId(kj::arrayPtr(id.data(), id.size()));
    write_endpoint(list[i].initAddress(), kept[i]->endpoint);
  }
  return detail::to_bytes(builder);
}

expected<std::vector<link::peer_address>, decode_error> decode_peer_hints(byte_view data,
                                                                          const decode_limits& limits) {
  using result = expected<std::vector<link::peer_address>, decode_error>;
  return detail::read_message<schema::PeerHints, std::vector<link::peer_address>>(
    data, limits.max_control_bytes, limits, [&](schema::PeerHints::Reader r) -> result {
      auto peers = r.getPeers();
      if (peers.size() > max_peer_hints)
        return bad_field("peerHints.peers has more than 256 entries");
      std::vector<link::peer_address> out;
      for (auto p : peers) {
        auto raw = p.getPeerId();
        auto id = peer_id::from_bytes({raw.begin(), raw.size()});
        if (!id)
          return bad_field("peerHints.peers.peerId must be 32 bytes");
        auto address = read_endpoint(p.getAddress(), "peerHints.peers.address");
        if (!address)
          return unexpected{address.error()};
        if (address->host.empty() || address->port == 0)
          return bad_field("peerHints.peers.address must be a host and a non-zero port");
        out.push_back({*id, *address});
      }
      return out;
    });
}

} // namespace mosaik::codec
