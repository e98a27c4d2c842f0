#pragma once
// A strict order on endpoints (host, then port), so a peer entry can keep its
// addresses in a canonical sorted set.

#include "actors/core/wire/handshake.hpp"

#include <tuple>

namespace mosaik::discovery {

struct endpoint_order {
  bool operator()(const wire::endpoint& a, const wire::endpoint& b) const {
    return std::tie(a.host, a.port) < std::tie(b.host, b.port);
  }
};

} // namespace mosaik::discovery
