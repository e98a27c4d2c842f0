#pragma once
// The actor system configuration of a real node process: CAF's middleman,
// for its I/O brokers and multiplexer only. Nothing is published and no
// message type is announced, so CAF's BASP never listens: the only thing
// that reaches a node from the network is bytes its broker reads.
//
// CAF's scheduler defaults are kept on purpose. Without the sleeping polls
// of an idle worker (work-stealing.moderate-poll-attempts=0) a link's round
// trip fell by half or more, but the group write path lost about half its
// rate (presumably work queued behind a worker blocked in an LMDB commit:
// a worker waiting on its condition variable steals only every 10 ms).
// docs/benchmarks.md ("Links", the scheduler) has the figures; an
// application can still pass the option.

#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>

namespace mosaik::transport {

class system_config : public caf::actor_system_config {
public:
  system_config() { load<caf::io::middleman>(); }
};

} // namespace mosaik::transport
