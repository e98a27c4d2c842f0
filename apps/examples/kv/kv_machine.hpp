#pragma once
// The replicated state machine of mosaik-kv (and of mosaik_bench_group): a
// string key-value map with put and compare-and-swap. Commands, queries and
// results travel through CAF's inspect (mosaik::value_codec).

#include "actors/core/groups/machine.hpp"

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace mosaik::kv {

/// put: `value` under `key`. cas: the same, only if the key holds
/// `expected` now (`absent`: only if it holds nothing).
struct command {
  enum class op : std::uint8_t { put, cas } kind = op::put;
  std::string key;
  std::string value;
  bool absent = false;
  std::string expected;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, command& c) {
  return f(caf::meta::type_name("mosaik.kv.command"), c.kind, c.key, c.value, c.absent, c.expected);
}

/// What a read finds under a key.
struct lookup {
  bool found = false;
  std::string value;
  friend bool operator==(const lookup&, const lookup&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lookup& l) {
  return f(caf::meta::type_name("mosaik.kv.lookup"), l.found, l.value);
}

struct machine {
  using command = kv::command;
  using query = std::string; // a key
  using result = lookup;
  static constexpr std::string_view signature = "mosaik.kv.v1";

  std::map<std::string, std::string> values;

  /// True when the write took effect (always for put; for cas, whether the
  /// key held what the command expected).
  bool apply(const command& c, const groups::apply_context&) {
    if (c.kind == command::op::cas) {
      auto i = values.find(c.key);
      bool matches = c.absent ? i == values.end() : (i != values.end() && i->second == c.expected);
      if (!matches)
        return false;
    }
    values[c.key] = c.value;
    return true;
  }

  lookup read(const std::string& key) const {
    auto i = values.find(key);
    if (i == values.end())
      return {};
    return {true, i->second};
  }
};

} // namespace mosaik::kv
