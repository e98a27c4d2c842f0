#pragma once
// Whether a new incoming connection gets a slot, and whose slot it takes
// when the node's totals are full. Per-address limits stop one flooding
// host; the totals are shared, so without eviction a flood from many
// addresses would lock honest newcomers out for as long as it lasts. When
// a total is reached, the newcomer takes the slot of an incoming handshake
// from the host with the most (handshakes, or connections) -- but only a
// host holding more than the newcomer's own host already does. Links are
// never evicted.

#include "actors/core/link/link_config.hpp"

#include <cstdint>
#include <span>
#include <string_view>

namespace mosaik::link {

/// One open connection, as admission sees it.
struct open_connection {
  std::uint64_t key = 0;        // the caller's name for it
  std::string_view source;      // the remote host
  bool handshaking = false;     // its handshake (either side's) is in flight
  bool incoming = false;        // accepted, not dialled by us
  bool hello_seen = false;      // the peer's hello arrived: it made progress
  std::uint64_t age = 0;        // smaller is older
};

struct admission {
  enum class verdict { admit, evict_then_admit, refuse };
  verdict what = verdict::admit;
  std::string_view limit; // the limit reached (refuse, evict_then_admit)
  std::uint64_t evict = 0; // the connection to close first (evict_then_admit)
};

/// The verdict on a new connection from `source` while `open` are open.
admission admit(const link_config& lc, std::span<const open_connection> open, std::string_view source);

} // namespace mosaik::link
