#pragma once
// mosaik-ticker's datum: a numbered price tick. Any type with a CAF inspect
// overload can be a datum; its stream id derives from its stream_name.

#include <cstdint>
#include <string>
#include <string_view>

namespace mosaik::ticker {

struct tick {
  static constexpr std::string_view stream_name = "mosaik-ticker.tick.v1";
  std::uint64_t number = 0;
  double price = 0;
  /// Filler of --pad bytes (to try larger datums).
  std::string pad;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tick& t) {
  return f(t.number, t.price, t.pad);
}

/// A deterministic walk, so a consumer can tell which tick it got.
inline double price_of(std::uint64_t number) {
  return 100.0 + static_cast<double>(number % 97) * 0.25 - static_cast<double>(number % 13) * 0.5;
}

} // namespace mosaik::ticker
