#include "tests/proc/loopback_server.hpp"

#include "actors/core/link/record_reader.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mosaik::test {

using std::chrono::milliseconds;
using clock_type = std::chrono::steady_clock;

listener::listener() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 || ::listen(fd_, 16) != 0
      || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    return;
  port_ = ntohs(a.sin_port);
}

listener::~listener() {
  if (fd_ >= 0)
    ::close(fd_);
}

std::optional<raw_socket> listener::accept(milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0)
    return std::nullopt;
  int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  return fd < 0 ? std::nullopt : std::optional<raw_socket>{raw_socket{fd}};
}

recording_proxy::recording_proxy(std::uint16_t target, milliseconds deadline)
  : worker_([this, target, deadline] { run(target, deadline); }) {}

recording_proxy::~recording_proxy() {
  if (worker_.joinable())
    worker_.join();
}

const bytes& recording_proxy::client_bytes() {
  if (worker_.joinable())
    worker_.join();
  return sent_;
}

void recording_proxy::run(std::uint16_t target, milliseconds deadline) {
  auto end = clock_type::now() + deadline;
  auto client = front_.accept(deadline);
  if (!client)
    return;
  auto node = raw_socket::connect("127.0.0.1", target);
  if (!node)
    return;
  for (bool open = true; open && clock_type::now() < end;) {
    pollfd p[2] = {{client->fd(), POLLIN, 0}, {node->fd(), POLLIN, 0}};
    if (::poll(p, 2, 50) <= 0)
      continue;
    bytes chunk;
    if (p[0].revents != 0) {
      open = client->receive(chunk, milliseconds{0}) && !chunk.empty() && node->send(chunk);
      sent_.insert(sent_.end(), chunk.begin(), chunk.end());
    } else {
      open = node->receive(chunk, milliseconds{0}) && !chunk.empty() && client->send(chunk);
    }
  }
}

header_server::header_server(std::uint32_t declared, milliseconds deadline)
  : worker_([this, declared, deadline] {
      auto client = front_.accept(deadline);
      if (!client)
        return;
      bytes hello;
      client->receive(hello, deadline);
      std::uint8_t header[link::record_header_size];
      link::write_record_header(header, declared);
      client->send({header, sizeof header});
      client_closed_ = client->closed_within(deadline);
    }) {}

header_server::~header_server() {
  if (worker_.joinable())
    worker_.join();
}

bool header_server::client_closed() {
  if (worker_.joinable())
    worker_.join();
  return client_closed_;
}

} // namespace mosaik::test
