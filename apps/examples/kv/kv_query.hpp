#pragma once
// A URL's query string as name/value pairs, percent-decoded ('+' stays '+').

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mosaik::kv {

/// `%XY` decoded; nullopt when a `%` is not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text);

/// `a=1&b=x%20y` -> {a: 1, b: "x y"}; nullopt when malformed or a name
/// repeats.
std::optional<std::map<std::string, std::string>> parse_query(std::string_view query);

} // namespace mosaik::kv
