#pragma once
// The actor system configuration of a real node process: CAF's middleman
// (BASP over TCP) and mosaik's message types.

#include "actors/transport/message_types.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>

namespace mosaik::transport {

class system_config : public caf::actor_system_config {
public:
  system_config() {
    load<caf::io::middleman>();
    mosaik::transport::add_message_types(*this);
  }
};

} // namespace mosaik::transport
