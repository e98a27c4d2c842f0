#include "actors/core/link/transcript.hpp"

namespace mosaik::link {

namespace {

constexpr std::string_view domain = "mosaik/link/handshake/v2";

void append(bytes& out, byte_view data) {
  out.insert(out.end(), data.begin(), data.end());
}

void append_u32(bytes& out, std::uint32_t x) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<std::uint8_t>(x >> shift));
}

constexpr std::size_t common_size = 32 * 3 + 2 * (4 + 1) + 2 * 32 + 2 * 32 + 2;

/// Where a side listens: the host's length and bytes, then the port, so
/// no two different addresses read the same.
void append_endpoint(bytes& out, const wire::endpoint& e) {
  append_u32(out, static_cast<std::uint32_t>(e.host.size()));
  append(out, as_bytes(e.host));
  append_u32(out, e.port);
}

} // namespace

bytes transcript_common(const wire::hello& dialer, const wire::hello& acceptor) {
  bytes out;
  out.reserve(common_size);
  append(out, dialer.network.view());
  append(out, dialer.peer.view());
  append(out, acceptor.peer.view());
  append_u32(out, dialer.protocol_version);
  append_u32(out, acceptor.protocol_version);
  out.push_back(static_cast<std::uint8_t>(dialer.role));
  out.push_back(static_cast<std::uint8_t>(acceptor.role));
  append(out, {dialer.nonce.data(), dialer.nonce.size()});
  append(out, {acceptor.nonce.data(), acceptor.nonce.size()});
  append(out, {dialer.kx_public.data(), dialer.kx_public.size()});
  append(out, {acceptor.kx_public.data(), acceptor.kx_public.size()});
  out.push_back(dialer.ciphers);
  out.push_back(acceptor.ciphers);
  // Signed too: a listen address altered in transit would send reconnects
  // and discovery to the wrong place.
  append_endpoint(out, dialer.listen_address);
  append_endpoint(out, acceptor.listen_address);
  return out;
}

bytes transcript(side signer, const wire::hello& dialer, const wire::hello& acceptor) {
  bytes out;
  out.reserve(domain.size() + 1 + common_size);
  append(out, as_bytes(domain));
  out.push_back(static_cast<std::uint8_t>(signer));
  append(out, transcript_common(dialer, acceptor));
  return out;
}

} // namespace mosaik::link
