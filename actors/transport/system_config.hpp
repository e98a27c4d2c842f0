#pragma once
// The actor system configuration of a real node process: CAF's middleman,
// for its I/O brokers and multiplexer only. Nothing is published and no
// message type is announced, so CAF's BASP never listens: the only thing
// that reaches a node from the network is bytes its broker reads.

#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>

namespace mosaik::transport {

class system_config : public caf::actor_system_config {
public:
  system_config() { load<caf::io::middleman>(); }
};

} // namespace mosaik::transport
