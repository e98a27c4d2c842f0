#include "apps/examples/kv/kv_json.hpp"

#include <cstdio>

namespace mosaik::kv {

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", c);
      out += esc;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + '"';
}

std::string index_json(std::uint64_t index) { return "{\"index\":" + std::to_string(index) + "}"; }

std::string cas_json(bool ok, std::uint64_t index) {
  return std::string{"{\"ok\":"} + (ok ? "true" : "false") + ",\"index\":" + std::to_string(index) + "}";
}

std::string error_json(std::string_view code, std::string_view detail) {
  return "{\"error\":" + json_string(code) + ",\"detail\":" + json_string(detail) + "}";
}

namespace {

/// The four roles the API names: a pre-candidate is a candidate there.
std::string_view api_role(const std::string& role) {
  if (role == "pre_candidate")
    return "candidate";
  return role;
}

} // namespace

std::string status_json(const peer_id& self, const wire::group_status& g, std::size_t voters) {
  std::string bonds = "[";
  for (const auto& b : g.bonds)
    bonds += (bonds.size() > 1 ? "," : "") + json_string(b.hex());
  bonds += ']';
  return "{\"peer_id\":" + json_string(self.hex()) + ",\"group_id\":" + json_string(g.id.hex())
         + ",\"role\":" + json_string(api_role(g.role))
         + ",\"leader\":" + (g.leader ? json_string(g.leader->hex()) : std::string{"null"})
         + ",\"term\":" + std::to_string(g.term) + ",\"commit\":" + std::to_string(g.commit)
         + ",\"applied\":" + std::to_string(g.applied) + ",\"voters\":" + std::to_string(voters)
         + ",\"bonds\":" + bonds + "}";
}

} // namespace mosaik::kv
