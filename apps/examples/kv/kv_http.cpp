#include "apps/examples/kv/kv_http.hpp"

#include "actors/core/link/peer_address.hpp"
#include "apps/examples/kv/kv_json.hpp"

#include <civetweb.h>

#include <array>

namespace mosaik::kv {

namespace {

constexpr std::size_t max_body = 1 << 20;

/// The whole body, or nullopt when it is larger than max_body or breaks off.
std::optional<std::string> read_body(mg_connection* conn) {
  std::string body;
  std::array<char, 16384> buf;
  for (;;) {
    int n = mg_read(conn, buf.data(), buf.size());
    if (n == 0)
      return body;
    if (n < 0 || body.size() + static_cast<std::size_t>(n) > max_body)
      return std::nullopt;
    body.append(buf.data(), static_cast<std::size_t>(n));
  }
}

std::string_view reason(int status) {
  switch (status) {
  case 200: return "OK";
  case 400: return "Bad Request";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 503: return "Service Unavailable";
  case 504: return "Gateway Timeout";
  default: return "Error";
  }
}

void send(mg_connection* conn, const response& r) {
  mg_printf(conn, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
            r.status, std::string{reason(r.status)}.c_str(), r.content_type.c_str(), r.body.size());
  mg_write(conn, r.body.data(), r.body.size());
}

} // namespace

int http_server::serve(mg_connection* conn) {
  const auto* info = mg_get_request_info(conn);
  auto* self = info->user_data;
  auto body = read_body(conn);
  response r;
  if (info->local_uri_raw == nullptr || !body) {
    r = {400, "application/json", error_json("bad_request", "no path, or a body over 1 MiB")};
  } else {
    request req{info->request_method, info->local_uri_raw, info->query_string ? info->query_string : "",
                std::move(*body)};
    r = static_cast<http_server*>(self)->handler_(req);
  }
  send(conn, r);
  return r.status;
}

expected<std::unique_ptr<http_server>, std::string> http_server::start(const wire::endpoint& at, handler h) {
  auto listening = link::to_string(at);
  const char* opts[] = {"listening_ports", listening.c_str(), "num_threads", "16",
                        "enable_keep_alive", "no", nullptr};
  std::unique_ptr<http_server> s{new http_server{std::move(h)}};
  // begin_request, given to mg_start, sees every request: none reaches
  // civetweb's own file serving, not even one in the first instant.
  mg_callbacks callbacks{};
  callbacks.begin_request = &http_server::serve;
  s->ctx_ = mg_start(&callbacks, s.get(), opts);
  if (s->ctx_ == nullptr)
    return unexpected{"cannot serve HTTP on " + listening};
  mg_server_port port{};
  if (mg_get_server_ports(s->ctx_, 1, &port) != 1)
    return unexpected{"no HTTP port on " + listening};
  s->address_ = {at.host, static_cast<std::uint16_t>(port.port)};
  return s;
}

http_server::~http_server() {
  if (ctx_ != nullptr)
    mg_stop(ctx_);
}

} // namespace mosaik::kv
