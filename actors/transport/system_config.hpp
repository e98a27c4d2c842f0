#pragma once
// The actor system configuration of a real node process: CAF's middleman,
// for its I/O brokers and multiplexer only. Nothing is published and no
// message type is announced, so CAF's BASP never listens: the only thing
// that reaches a node from the network is bytes its broker reads.
//
// Scheduler default (a CAF option still overrides it, e.g. from the command
// line): an idle CAF 0.17 worker spins 100 times, then by default polls its
// queue 500 times with a 50 µs sleep in between before it waits on a
// condition variable. Every frame a handler gets is picked up by a worker,
// so a link's round trip paid those sleeps twice (a sleep of 50 µs is
// 50-110 µs with the kernel's timer slack), and the sleeping itself was a
// fifth of the CPU threads' samples in a profile of mosaik_bench_link. With
// no sleeping polls the worker waits on the condition variable at once and
// the sender wakes it: docs/benchmarks.md ("Links", scheduler) measured the
// link's 64 B round trip 255-355 -> 80 µs and less CPU per frame. The price:
// a waiting worker steals work from a busy one only every 10 ms
// (work-stealing.relaxed-sleep-duration) instead of every few polls, so
// actors spawned or woken from inside one busy worker spread to the others
// later.

#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>

#include <cstddef>

namespace mosaik::transport {

class system_config : public caf::actor_system_config {
public:
  system_config() {
    load<caf::io::middleman>();
    set("work-stealing.moderate-poll-attempts", std::size_t{0});
  }
};

} // namespace mosaik::transport
