#pragma once
// The client side of the link handshake, used by `mosaik status`: connect,
// prove a throw-away identity with role client, ask for the node's status.

#include "actors/core/expected.hpp"
#include "actors/core/link/time.hpp"
#include "actors/core/wire/status.hpp"

#include <caf/fwd.hpp>

#include <string>

namespace mosaik::node {

struct status_query {
  wire::endpoint address;
  std::string network;
  link::duration timeout = std::chrono::seconds{2}; // for the whole exchange
};

/// The node's status, or a one-line error (unreachable, refused with a
/// typed reason, timed out, bad reply).
expected<wire::node_status, std::string> query_status(caf::actor_system& sys,
                                                       const status_query& q);

} // namespace mosaik::node
