#pragma once
// Distinct identifier types over `digest`, so a group id can never be passed
// where a stream id is expected. All share the digest rules: `from("name")`
// hashes the name (64 hex characters decode as-is), `derive(x)` = H(id || x).

#include "actors/core/ids/digest.hpp"

namespace mosaik {

template <class Tag>
class basic_id {
public:
  constexpr basic_id() = default;
  constexpr explicit basic_id(const digest& d) : digest_(d) {}

  static basic_id from(std::string_view text) { return basic_id{digest::from(text)}; }
  static std::optional<basic_id> from_bytes(byte_view data) {
    if (auto d = digest::from_bytes(data))
      return basic_id{*d};
    return std::nullopt;
  }
  static std::optional<basic_id> from_hex(std::string_view text) {
    if (auto d = digest::from_hex(text))
      return basic_id{*d};
    return std::nullopt;
  }

  basic_id derive(byte_view data) const { return basic_id{digest_.derive(data)}; }
  basic_id derive(std::string_view text) const { return basic_id{digest_.derive(text)}; }
  template <class OtherTag>
  basic_id derive(const basic_id<OtherTag>& other) const {
    return basic_id{digest_.derive(other.as_digest())};
  }

  const digest& as_digest() const { return digest_; }
  byte_view view() const { return digest_.view(); }
  std::string hex() const { return digest_.hex(); }
  std::string short_hex() const { return digest_.short_hex(); }

  friend auto operator<=>(const basic_id&, const basic_id&) = default;

private:
  digest digest_;
};

using unique_id = basic_id<struct unique_id_tag>;
using network_id = basic_id<struct network_id_tag>;
using tag = basic_id<struct tag_tag>;
using stream_id = basic_id<struct stream_id_tag>;
using group_id = basic_id<struct group_id_tag>;
using store_id = basic_id<struct store_id_tag>;

} // namespace mosaik

template <class Tag>
struct std::hash<mosaik::basic_id<Tag>> {
  size_t operator()(const mosaik::basic_id<Tag>& id) const noexcept {
    return std::hash<mosaik::digest>{}(id.as_digest());
  }
};
