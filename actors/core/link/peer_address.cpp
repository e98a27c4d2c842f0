#include "actors/core/link/peer_address.hpp"

#include <charconv>

namespace mosaik::link {

namespace {

unexpected<std::string> bad(std::string_view text, std::string_view why) {
  return unexpected{std::string{"invalid address '"} + std::string{text} + "': "
                    + std::string{why}};
}

} // namespace

expected<wire::endpoint, std::string> parse_endpoint(std::string_view text, bool allow_port_zero) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return bad(text, "expected host:port");
  auto host = text.substr(0, colon);
  auto port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  else if (host.find(':') != std::string_view::npos)
    return bad(text, "an IPv6 host must be written in brackets");
  if (host.empty())
    return bad(text, "empty host");
  if (host.size() > 255)
    return bad(text, "host longer than 255 bytes");
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size()
      || port > 65535)
    return bad(text, "port must be a number from 0 to 65535");
  if (port == 0 && !allow_port_zero)
    return bad(text, "port 0 is only allowed for listening");
  return wire::endpoint{std::string{host}, static_cast<std::uint16_t>(port)};
}

expected<peer_address, std::string> parse_peer_address(std::string_view text) {
  peer_address result;
  auto at = text.find('@');
  auto rest = text;
  if (at != std::string_view::npos) {
    auto id = peer_id::from_hex(text.substr(0, at));
    if (!id)
      return bad(text, "the peer id before '@' must be 64 hex characters");
    result.peer = *id;
    rest = text.substr(at + 1);
  }
  auto ep = parse_endpoint(rest);
  if (!ep)
    return unexpected{ep.error()};
  result.endpoint = *ep;
  return result;
}

std::string to_string(const wire::endpoint& e) {
  auto host = e.host.find(':') != std::string::npos ? "[" + e.host + "]" : e.host;
  return host + ":" + std::to_string(e.port);
}

std::string to_string(const peer_address& a) {
  return (a.peer ? a.peer->hex() + "@" : std::string{}) + to_string(a.endpoint);
}

} // namespace mosaik::link
