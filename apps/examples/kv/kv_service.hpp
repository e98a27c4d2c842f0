#pragma once
// mosaik-kv's HTTP API on one group, independent of the HTTP server:
//
//   PUT  /kv/KEY                 body = value     200 {"index": N} once committed and applied
//   GET  /kv/KEY?consistency=strong|weak          200 value, 404 absent (strong by default)
//   POST /kv/KEY?cas=OLD | ?cas_absent=1          200 {"ok": bool, "index": N}
//   GET  /status                                  200 the node's view of the group
//
// A failure is 503 when the write definitely did not take effect, 504 when
// its outcome is unknown, 400 for a bad request. Every node serves every
// request: the group forwards writes and strong reads to its leader.

#include "actors/network/network.hpp"
#include "apps/examples/kv/kv_machine.hpp"

#include <chrono>
#include <string>

namespace mosaik::kv {

struct request {
  std::string method;
  std::string path;  // percent-decoded
  std::string query; // as sent
  std::string body;
};

struct response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

class service {
public:
  /// Each operation on the group waits at most `timeout`.
  service(network net, group<machine> g, std::chrono::milliseconds timeout)
    : net_(std::move(net)), group_(std::move(g)), timeout_(timeout) {}

  response handle(const request& r) const;

private:
  response put(const std::string& key, const std::string& value) const;
  response get(const std::string& key, const std::string& query) const;
  response cas(const std::string& key, const std::string& query, const std::string& value) const;
  response status() const;

  network net_;
  group<machine> group_;
  std::chrono::milliseconds timeout_;
};

} // namespace mosaik::kv
