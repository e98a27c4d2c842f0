#include "actors/transport/message_types.hpp"

#include "actors/transport/frame_msg.hpp"

#include <caf/actor_system_config.hpp>

namespace mosaik::transport {

void add_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<frame_msg>("mosaik.frame");
}

} // namespace mosaik::transport
