#include "actors/core/ids/digest.hpp"

#include <sodium.h>

namespace mosaik {

digest digest::hash(byte_view data) {
  array_type out;
  crypto_generichash(out.data(), out.size(), data.data(), data.size(), nullptr, 0);
  return digest{out};
}

digest digest::from(std::string_view text) {
  if (auto decoded = from_hex(text))
    return *decoded;
  return hash(as_bytes(text));
}

std::optional<digest> digest::from_bytes(byte_view data) {
  if (auto raw = to_array<size>(data))
    return digest{*raw};
  return std::nullopt;
}

std::optional<digest> digest::from_hex(std::string_view text) {
  if (auto raw = array_from_hex<size>(text))
    return digest{*raw};
  return std::nullopt;
}

digest digest::derive(byte_view data) const {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, size);
  crypto_generichash_update(&state, bytes_.data(), bytes_.size());
  crypto_generichash_update(&state, data.data(), data.size());
  array_type out;
  crypto_generichash_final(&state, out.data(), out.size());
  return digest{out};
}

bool digest::is_zero() const {
  for (auto b : bytes_)
    if (b != 0)
      return false;
  return true;
}

std::string digest::hex() const {
  return to_hex(view());
}

std::string digest::short_hex() const {
  return to_hex(view().first(5));
}

} // namespace mosaik
