#include "schemas/codec/handshake_codec.hpp"

#include "schemas/codec/endpoint_fields.hpp"
#include "schemas/codec/message_reader.hpp"
#include "schemas/link.capnp.h"

namespace mosaik::codec {

bytes encode_hello(const wire::hello& h) {
  capnp::MallocMessageBuilder builder;
  auto root = builder.initRoot<schema::Hello>();
  root.setNetworkId(as_capnp(h.network.view()));
  root.setPeerId(as_capnp(h.peer.view()));
  root.setProtocolVersion(h.protocol_version);
  write_endpoint(root.initListenAddress(), h.listen_address);
  root.setNonce(kj::arrayPtr(h.nonce.data(), h.nonce.size()));
  root.setRole(static_cast<schema::Role>(h.role));
  root.setKxPublic(kj::arrayPtr(h.kx_public.data(), h.kx_public.size()));
  root.setCiphers(h.ciphers);
  return detail::to_bytes(builder);
}

expected<wire::hello, decode_error> decode_hello(byte_view data, const decode_limits& limits) {
  using result = expected<wire::hello, decode_error>;
  return detail::read_message<schema::Hello, wire::hello>(
    data, limits.max_control_bytes, limits, [](schema::Hello::Reader r) -> result {
      wire::hello h;
      auto network = network_id::from_bytes(as_view(r.getNetworkId()));
      if (!network)
        return bad_field("hello.networkId must be 32 bytes");
      h.network = *network;
      auto peer = peer_id::from_bytes(as_view(r.getPeerId()));
      if (!peer)
        return bad_field("hello.peerId must be 32 bytes");
      h.peer = *peer;
      h.protocol_version = r.getProtocolVersion();
      auto listen = read_endpoint(r.getListenAddress(), "hello.listenAddress", max_host_bytes);
      if (!listen)
        return unexpected{listen.error()};
      h.listen_address = *listen;
      auto nonce = r.getNonce();
      if (nonce.size() != h.nonce.size())
        return bad_field("hello.nonce must be 32 bytes");
      std::copy(nonce.begin(), nonce.end(), h.nonce.begin());
      auto raw_role = static_cast<std::uint16_t>(r.getRole());
      if (raw_role > static_cast<std::uint16_t>(wire::role::client))
        return unexpected{decode_error{decode_errc::unknown_kind,
                                       "hello.role " + std::to_string(raw_role)}};
      h.role = static_cast<wire::role>(raw_role);
      auto kx_public = to_array<32>(as_view(r.getKxPublic()));
      if (!kx_public)
        return bad_field("hello.kxPublic must be 32 bytes");
      h.kx_public = *kx_public;
      h.ciphers = r.getCiphers();
      return h;
    });
}

bytes encode_proof(const wire::proof& p) {
  capnp::MallocMessageBuilder builder;
  builder.initRoot<schema::Proof>().setSignature(as_capnp(p.sig.view()));
  return detail::to_bytes(builder);
}

expected<wire::proof, decode_error> decode_proof(byte_view data, const decode_limits& limits) {
  using result = expected<wire::proof, decode_error>;
  return detail::read_message<schema::Proof, wire::proof>(
    data, limits.max_control_bytes, limits, [](schema::Proof::Reader r) -> result {
      auto sig = signature::from_bytes(as_view(r.getSignature()));
      if (!sig)
        return bad_field("proof.signature must be 64 bytes");
      return wire::proof{*sig};
    });
}

bytes encode_close(const wire::close& c) {
  capnp::MallocMessageBuilder builder;
  auto root = builder.initRoot<schema::Close>();
  root.setReason(static_cast<schema::CloseReason>(c.reason));
  root.setDetail(as_text(c.detail.substr(0, max_close_detail_bytes)));
  return detail::to_bytes(builder);
}

expected<wire::close, decode_error> decode_close(byte_view data, const decode_limits& limits) {
  using result = expected<wire::close, decode_error>;
  return detail::read_message<schema::Close, wire::close>(
    data, limits.max_control_bytes, limits, [](schema::Close::Reader r) -> result {
      auto raw_reason = static_cast<std::uint16_t>(r.getReason());
      if (raw_reason >= wire::close_reason_count)
        return unexpected{decode_error{decode_errc::unknown_kind,
                                       "close.reason " + std::to_string(raw_reason)}};
      auto detail = r.getDetail();
      if (detail.size() > max_close_detail_bytes)
        return bad_field("close.detail exceeds 1 KiB");
      return wire::close{static_cast<wire::close_reason>(raw_reason),
                         std::string(detail.cStr(), detail.size())};
    });
}

} // namespace mosaik::codec
