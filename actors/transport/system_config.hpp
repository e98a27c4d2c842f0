#pragma once
// The actor system configuration of a real node process: CAF's middleman,
// for its I/O brokers and multiplexer only. Nothing is published and no
// message type is announced, so CAF's BASP never listens: the only thing
// that reaches a node from the network is bytes its broker reads.
//
// Scheduler default (an application's own config may set it otherwise): an
// idle CAF 0.17 worker spins 100 times, then by CAF's default polls its
// queue 500 times with a 50 us sleep in between before it waits on a
// condition variable. Every frame and message a node handles is picked up
// by a worker, so each hop paid those sleeps, and sleeping was the largest
// item in the profiles of the link, stream and group benchmarks. Without
// the sleeping polls (work-stealing.moderate-poll-attempts=0) a worker
// waits on its condition variable at once and the sender wakes it: a
// link's round trip fell by half, a group's one-writer latency from about
// 2.0 to 1.2 ms and its 64-writer rate rose from about 7k to 12k writes/s
// (docs/benchmarks.md, "Links" and "Groups"). The price: a waiting worker
// steals from a busy one only every 10 ms
// (work-stealing.relaxed-sleep-duration), so nothing may block a worker:
// the groups' durable writes run on a thread of their own
// (actors/groups/group_writer.hpp); measured before that writer existed,
// this setting halved the group write rate.

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
