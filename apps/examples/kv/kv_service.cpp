#include "apps/examples/kv/kv_service.hpp"

#include "apps/examples/kv/kv_json.hpp"
#include "apps/examples/kv/kv_query.hpp"

#include <algorithm>

namespace mosaik::kv {

namespace {

constexpr std::string_view kv_prefix = "/kv/";

response bad_request(std::string_view why) { return {400, "application/json", error_json("bad_request", why)}; }

/// 503 when nothing took effect, 504 when it may have.
response failure(const group_error& e) {
  return {e.definite() ? 503 : 504, "application/json", error_json(groups::to_string(e.code), e.detail)};
}

} // namespace

response service::handle(const request& r) const {
  if (r.path == "/status")
    return r.method == "GET" ? status() : response{405, "application/json", error_json("method", r.method)};
  if (r.path.rfind(kv_prefix, 0) != 0)
    return {404, "application/json", error_json("not_found", r.path)};
  auto key = r.path.substr(kv_prefix.size());
  if (key.empty())
    return bad_request("an empty key");
  if (r.method == "PUT") {
    if (!r.query.empty())
      return bad_request("PUT takes no query");
    return put(key, r.body);
  }
  if (r.method == "GET")
    return get(key, r.query);
  if (r.method == "POST")
    return cas(key, r.query, r.body);
  return {405, "application/json", error_json("method", r.method)};
}

response service::put(const std::string& key, const std::string& value) const {
  auto done = group_.execute(command{command::op::put, key, value, false, {}}, timeout_);
  if (!done)
    return failure(done.error());
  return {200, "application/json", index_json(done->range.last)};
}

response service::get(const std::string& key, const std::string& query) const {
  auto q = parse_query(query);
  if (!q)
    return bad_request("a malformed query");
  auto level = groups::consistency::strong;
  for (const auto& [name, value] : *q) {
    if (name != "consistency" || (value != "strong" && value != "weak"))
      return bad_request("GET takes consistency=strong|weak");
    level = value == "weak" ? groups::consistency::weak : groups::consistency::strong;
  }
  auto found = group_.query(key, level, timeout_);
  if (!found)
    return failure(found.error());
  if (!found->value.found)
    return {404, "application/json", error_json("absent", key)};
  return {200, "application/octet-stream", found->value.value};
}

response service::cas(const std::string& key, const std::string& query, const std::string& value) const {
  auto q = parse_query(query);
  if (!q || q->size() != 1)
    return bad_request("POST takes cas=OLD or cas_absent=1");
  command c{command::op::cas, key, value, false, {}};
  if (auto old = q->find("cas"); old != q->end())
    c.expected = old->second;
  else if (auto absent = q->find("cas_absent"); absent != q->end() && absent->second == "1")
    c.absent = true;
  else
    return bad_request("POST takes cas=OLD or cas_absent=1");
  auto done = group_.execute(c, timeout_);
  if (!done)
    return failure(done.error());
  if (done->results.size() != 1 || !done->results.front())
    return {500, "application/json", error_json("apply", "the machine gave no result")};
  return {200, "application/json", cas_json(*done->results.front(), done->range.last)};
}

response service::status() const {
  auto s = net_.status(timeout_);
  if (!s)
    return {503, "application/json", error_json("status", s.error())};
  auto g = std::find_if(s->groups.begin(), s->groups.end(),
                        [&](const wire::group_status& x) { return x.id == group_.id(); });
  if (g == s->groups.end())
    return {503, "application/json", error_json("status", "the group is not running")};
  auto view = group_.view(timeout_);
  if (!view)
    return failure(view.error());
  return {200, "application/json", status_json(net_.peer(), *g, view->voters)};
}

} // namespace mosaik::kv
