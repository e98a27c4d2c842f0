#pragma once
// A tiny HTTP/1.0 client for proc tests (scraping a node's /metrics, the
// mosaik-kv API): one request over a plain socket to a numeric IPv4 host,
// the whole answer read until the server closes, everything bounded by one
// deadline.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace mosaik::test {

struct http_response {
  int status = 0; // e.g. 200
  std::string body;
};

/// GET http://host:port/path. nullopt when the connection fails, the answer
/// is not HTTP, or the deadline passes.
std::optional<http_response> http_get(const std::string& host, std::uint16_t port,
                                      const std::string& path, std::chrono::milliseconds timeout);

/// `method` http://host:port/path with `body` (sent with its Content-Length).
std::optional<http_response> http_request(const std::string& method, const std::string& host,
                                          std::uint16_t port, const std::string& path,
                                          const std::string& body, std::chrono::milliseconds timeout);

} // namespace mosaik::test
