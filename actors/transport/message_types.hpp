#pragma once
// The ONE place where mosaik announces the types that cross CAF nodes. Real
// nodes (system_config) and simulated ones (tests/support) both call it, so
// their type names agree. Local-only messages are deliberately NOT announced:
// a remote node cannot build them (see actors/node/node_api.hpp).

#include <caf/fwd.hpp>

namespace mosaik::transport {

void add_message_types(caf::actor_system_config& cfg);

} // namespace mosaik::transport
