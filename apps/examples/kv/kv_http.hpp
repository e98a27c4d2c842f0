#pragma once
// An HTTP/1.1 server on civetweb that hands each request, its body read
// whole, to one function and sends back what it returns. Requests run on
// civetweb's worker threads, so the function must be thread-safe.

#include "actors/core/expected.hpp"
#include "actors/core/wire/handshake.hpp"
#include "apps/examples/kv/kv_service.hpp"

#include <functional>
#include <memory>
#include <string>

struct mg_context;
struct mg_connection;

namespace mosaik::kv {

class http_server {
public:
  using handler = std::function<response(const request&)>;

  /// Listens on `at` (a numeric host; port 0 picks one). The error is one line.
  static expected<std::unique_ptr<http_server>, std::string> start(const wire::endpoint& at, handler h);

  /// Stops accepting and waits for the requests under way.
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Where it listens, with the port it got.
  const wire::endpoint& address() const { return address_; }

private:
  explicit http_server(handler h) : handler_(std::move(h)) {}
  static int serve(mg_connection* conn);

  handler handler_;
  mg_context* ctx_ = nullptr;
  wire::endpoint address_;
};

} // namespace mosaik::kv
