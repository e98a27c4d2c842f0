// The floor: a C++ echo over blocking loopback sockets with TCP_NODELAY,
// framed like the link (4-byte big-endian length, then the body) but with
// no envelope, no encryption and no actors.
#include "apps/bench/link_bench.hpp"

#include "actors/core/link/record_reader.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mosaik::bench {

namespace {

using clock_type = std::chrono::steady_clock;

constexpr std::size_t batch_bytes = 64 * 1024;

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

void no_delay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

bool write_all(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    auto n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0)
      return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

void append_record(std::vector<std::uint8_t>& out, const std::vector<std::uint8_t>& body) {
  auto old = out.size();
  out.resize(old + link::record_header_size + body.size());
  link::write_record_header(out.data() + old, static_cast<std::uint32_t>(body.size()));
  std::memcpy(out.data() + old + link::record_header_size, body.data(), body.size());
}

std::uint32_t header_at(const std::uint8_t* in) {
  return std::uint32_t{in[0]} << 24 | std::uint32_t{in[1]} << 16 | std::uint32_t{in[2]} << 8 |
         std::uint32_t{in[3]};
}

double elapsed_us(clock_type::time_point t0) {
  return std::chrono::duration<double, std::micro>(clock_type::now() - t0).count();
}

} // namespace

std::optional<std::vector<std::uint8_t>> raw_records::next() {
  while (true) {
    auto held = buf_.size() - offset_;
    if (held >= link::record_header_size) {
      auto size = header_at(buf_.data() + offset_);
      if (held >= link::record_header_size + size) {
        auto* body = buf_.data() + offset_ + link::record_header_size;
        offset_ += link::record_header_size + size;
        return std::vector<std::uint8_t>(body, body + size);
      }
    }
    if (!fill())
      return std::nullopt;
  }
}

bool raw_records::fill() {
  buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(offset_));
  offset_ = 0;
  auto old = buf_.size();
  buf_.resize(old + 256 * 1024);
  auto n = ::recv(fd_, buf_.data() + old, buf_.size() - old, 0);
  buf_.resize(old + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
  return n > 0;
}

std::optional<raw_listener> raw_listen() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  auto addr = loopback(0);
  socklen_t len = sizeof(addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0
      || ::listen(fd, 1) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0)
      ::close(fd);
    return std::nullopt;
  }
  return raw_listener{fd, ntohs(addr.sin_port)};
}

void raw_serve(raw_listener l) {
  int fd = ::accept(l.fd, nullptr, nullptr);
  ::close(l.fd);
  if (fd < 0)
    return;
  no_delay(fd);
  raw_records in{fd};
  std::uint64_t count = 0;
  std::vector<std::uint8_t> out;
  while (auto body = in.next()) {
    if (body->empty())
      continue;
    if ((*body)[0] == through) {
      ++count;
      continue;
    }
    out.clear();
    append_record(out, (*body)[0] == ping ? *body : count_reply(count));
    if ((*body)[0] != ping)
      count = 0;
    if (!write_all(fd, out.data(), out.size()))
      break;
  }
  ::close(fd);
}

raw_client::raw_client(std::uint16_t port)
  : fd_(::socket(AF_INET, SOCK_STREAM, 0)), in_(fd_) {
  auto addr = loopback(port);
  if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (fd_ >= 0)
    no_delay(fd_);
}

raw_client::~raw_client() {
  if (fd_ >= 0)
    ::close(fd_);
}

std::optional<double> raw_client::round_trip(std::size_t size) {
  std::vector<std::uint8_t> out;
  append_record(out, payload<std::vector<std::uint8_t>>(ping, size));
  auto t0 = clock_type::now();
  if (!write_all(fd_, out.data(), out.size()) || !in_.next())
    return std::nullopt;
  return elapsed_us(t0);
}

std::optional<burst_result> raw_client::burst(std::size_t size, int frames) {
  auto body = payload<std::vector<std::uint8_t>>(through, size);
  std::vector<std::uint8_t> out;
  out.reserve(batch_bytes + size + link::record_header_size);
  auto t0 = clock_type::now();
  for (int i = 0; i < frames; ++i) {
    append_record(out, body);
    if (out.size() >= batch_bytes) {
      if (!write_all(fd_, out.data(), out.size()))
        return std::nullopt;
      out.clear();
    }
  }
  append_record(out, payload<std::vector<std::uint8_t>>(end_mark, 1));
  if (!write_all(fd_, out.data(), out.size()))
    return std::nullopt;
  auto reply = in_.next();
  auto us = elapsed_us(t0);
  if (!reply)
    return std::nullopt;
  return burst_result{us, read_count_reply(reply->data(), reply->size()).value_or(0)};
}

} // namespace mosaik::bench
