#include "tests/support/http_get.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace mosaik::test {

namespace {

using clock_type = std::chrono::steady_clock;
constexpr std::size_t max_answer = 16 << 20;

class socket_fd {
public:
  socket_fd() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) {}
  ~socket_fd() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  socket_fd(const socket_fd&) = delete;
  socket_fd& operator=(const socket_fd&) = delete;
  int get() const { return fd_; }

private:
  int fd_;
};

/// Waits until `fd` is ready for `events` or the deadline passed.
bool ready(int fd, short events, clock_type::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
  if (left.count() <= 0)
    return false;
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, static_cast<int>(left.count())) > 0;
}

bool connect_to(int fd, const std::string& host, std::uint16_t port, clock_type::time_point deadline) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1)
    return false;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0)
    return true;
  if (errno != EINPROGRESS || !ready(fd, POLLOUT, deadline))
    return false;
  int err = 0;
  socklen_t len = sizeof(err);
  return ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
}

bool send_all(int fd, const std::string& data, clock_type::time_point deadline) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    if (!ready(fd, POLLOUT, deadline))
      return false;
    auto n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR)
      return false;
    if (n > 0)
      sent += static_cast<std::size_t>(n);
  }
  return true;
}

/// The Content-Length header's value, if the headers have one.
std::optional<std::size_t> content_length(std::string headers) {
  std::transform(headers.begin(), headers.end(), headers.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto at = headers.find("\r\ncontent-length:");
  if (at == std::string::npos)
    return std::nullopt;
  auto digits = headers.find_first_of("0123456789", at);
  if (digits == std::string::npos)
    return std::nullopt;
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(headers.data() + digits, headers.data() + headers.size(), n);
  if (ec != std::errc{})
    return std::nullopt;
  return n;
}

/// "HTTP/1.x NNN ...\r\n headers \r\n\r\n body"; nothing when the body is
/// shorter than its Content-Length (the server died while answering).
std::optional<http_response> parse(const std::string& raw) {
  if (raw.rfind("HTTP/1.", 0) != 0 || raw.size() < 12)
    return std::nullopt;
  http_response r;
  auto [end, ec] = std::from_chars(raw.data() + 9, raw.data() + 12, r.status);
  if (ec != std::errc{} || end != raw.data() + 12)
    return std::nullopt;
  auto body = raw.find("\r\n\r\n");
  if (body == std::string::npos)
    return std::nullopt;
  r.body = raw.substr(body + 4);
  if (auto expected = content_length(raw.substr(0, body)); expected && r.body.size() < *expected)
    return std::nullopt;
  return r;
}

} // namespace

std::optional<http_response> http_get(const std::string& host, std::uint16_t port,
                                      const std::string& path, std::chrono::milliseconds timeout) {
  return http_request("GET", host, port, path, {}, timeout);
}

std::optional<http_response> http_request(const std::string& method, const std::string& host,
                                          std::uint16_t port, const std::string& path,
                                          const std::string& body, std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  socket_fd s;
  if (s.get() < 0 || !connect_to(s.get(), host, port, deadline))
    return std::nullopt;
  auto request = method + ' ' + path + " HTTP/1.0\r\nHost: " + host + ':' + std::to_string(port)
                 + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n"
                 + body;
  if (!send_all(s.get(), request, deadline))
    return std::nullopt;
  std::string raw;
  for (;;) {
    if (!ready(s.get(), POLLIN, deadline))
      return std::nullopt;
    char buf[4096];
    auto n = ::recv(s.get(), buf, sizeof(buf), 0);
    if (n == 0)
      return parse(raw);
    if (n < 0 && errno != EAGAIN && errno != EINTR)
      return std::nullopt;
    if (n > 0)
      raw.append(buf, static_cast<std::size_t>(n));
    if (raw.size() > max_answer)
      return std::nullopt;
  }
}

} // namespace mosaik::test
