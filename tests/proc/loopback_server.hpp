#pragma once
// Servers the attack suite puts in front of a real client, on 127.0.0.1:
// a proxy that records what a real `mosaik status` sends a node, and a fake
// status server that answers with a record header of its choosing. Each
// serves one connection on a thread of its own, bounded by a deadline.

#include "actors/core/bytes.hpp"
#include "tests/proc/attacker.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <thread>

namespace mosaik::test {

/// A listening socket on 127.0.0.1 with a kernel-chosen port.
class listener {
public:
  listener();
  ~listener();
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  std::uint16_t port() const { return port_; }
  /// The next connection within `timeout`.
  std::optional<raw_socket> accept(std::chrono::milliseconds timeout);

private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

/// Forwards one client connection to 127.0.0.1:`target` and back, keeping
/// what the client sent; ends when either side closes or at `deadline`.
class recording_proxy {
public:
  recording_proxy(std::uint16_t target, std::chrono::milliseconds deadline);
  ~recording_proxy();

  std::uint16_t port() const { return front_.port(); }
  /// What the client sent; waits for the proxy to end.
  const bytes& client_bytes();

private:
  void run(std::uint16_t target, std::chrono::milliseconds deadline);

  listener front_;
  bytes sent_;
  std::thread worker_;
};

/// Accepts one connection, reads the client's first bytes, answers with a
/// bare record header declaring `declared` bytes and sends nothing more;
/// holds the connection until the client closes or `deadline`.
class header_server {
public:
  header_server(std::uint32_t declared, std::chrono::milliseconds deadline);
  ~header_server();

  std::uint16_t port() const { return front_.port(); }
  /// The client closed the connection; waits for the server to end.
  bool client_closed();

private:
  listener front_;
  bool client_closed_ = false;
  std::thread worker_;
};

} // namespace mosaik::test
