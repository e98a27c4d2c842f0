#include "actors/transport/tcp_connect.hpp"

#include <caf/io/middleman.hpp>
#include <caf/io/network/default_multiplexer.hpp>
#include <caf/sec.hpp>

#include <cerrno>
#include <cstring>
#include <memory>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mosaik::transport {

namespace {

caf::error failure(const std::string& what) {
  return caf::make_error(caf::sec::cannot_connect_to_node, what);
}

/// A socket connecting to `host`:`port` in the background, or an error.
caf::expected<int> start_connect(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  auto service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
    return failure("cannot resolve " + host + ": " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard{found, &::freeaddrinfo};
  int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return failure(std::string{"socket: "} + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (::connect(fd, found->ai_addr, found->ai_addrlen) != 0 && errno != EINPROGRESS) {
    auto err = failure(std::string{"connect: "} + std::strerror(errno));
    ::close(fd);
    return err;
  }
  return fd;
}

} // namespace

caf::expected<caf::io::connection_handle> connect_tcp(caf::io::abstract_broker* self,
                                                      const std::string& host, std::uint16_t port) {
  auto* real = dynamic_cast<caf::io::network::default_multiplexer*>(&self->backend());
  if (real == nullptr)
    return self->add_tcp_scribe(host, port);
  auto fd = start_connect(host, port);
  if (!fd)
    return fd.error();
  return self->add_scribe(*fd);
}

} // namespace mosaik::transport
