#pragma once
// The few JSON texts mosaik-kv answers with.

#include "actors/core/ids/ids.hpp"
#include "actors/core/wire/status.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace mosaik::kv {

/// `"text"` with JSON escapes.
std::string json_string(std::string_view text);

/// {"index": N}
std::string index_json(std::uint64_t index);
/// {"ok": true|false, "index": N}
std::string cas_json(bool ok, std::uint64_t index);
/// {"error": code, "detail": text}
std::string error_json(std::string_view code, std::string_view detail);
/// {"peer_id", "group_id", "role", "leader" (or null), "term", "commit",
///  "applied", "voters" (in the configuration in force), "bonds" (peer ids)}
std::string status_json(const peer_id& self, const wire::group_status& g, std::size_t voters);

} // namespace mosaik::kv
