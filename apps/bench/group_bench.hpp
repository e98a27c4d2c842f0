#pragma once
// Shared by the parts of mosaik_bench_group: the group every process joins,
// the node mode (three durable members, group_bench_node.cpp) and the
// writers (event-based actors in the driver's node, group_bench_writer.cpp).

#include "actors/core/link/peer_address.hpp"
#include "actors/groups/group_api.hpp"
#include "actors/groups/group_setup.hpp"
#include "actors/node/node_config.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace mosaik::bench {

constexpr std::string_view group_secret = "mosaik-bench-group";
constexpr std::size_t value_bytes = 256;
constexpr std::uint64_t key_count = 100000;

/// Every process joins with these (they enter the group id); the first
/// election waits for the three durable members.
groups::join_options group_options(raft::leadership preference);

/// A node of the benchmark's network on 127.0.0.1 (data_dir empty: the
/// Raft state in memory, as the writers' observer keeps it).
node::node_config group_node(const std::string& network, const std::string& data_dir,
                             std::vector<link::peer_address> bootstrap);

/// The node mode: starts a node with `data_dir`, joins the group, prints
/// `PEERID@HOST:PORT`, answers SIGUSR1 with a stats line and ends on
/// SIGTERM.
int serve_group_node(const std::string& network, const std::string& data_dir,
                     const std::vector<link::peer_address>& bootstrap);

/// The node mode's answer to SIGUSR1: `stats role=R voters=V commit=C sent=S
/// received=R bytes_sent=B bytes_received=B` (group messages and bytes on
/// the bonds since start).
struct node_stats {
  std::string role;
  std::size_t voters = 0;
  std::uint64_t commit = 0;
  double sent = 0, received = 0, bytes_sent = 0, bytes_received = 0;
};

/// Reads a stats line; false if it is not one.
bool parse_node_stats(const std::string& line, node_stats& out);

using clock_type = std::chrono::steady_clock;

/// Writes issued at or after `start` and answered before `end` count.
struct window {
  clock_type::time_point start;
  clock_type::time_point end;
};

/// What one writer measured; sent to `report_to` once `end` passed.
struct writer_stats {
  std::vector<double> us; // latency of each counted write
  std::uint64_t failed = 0;
  std::string last_failure;
};

/// One writer: one execute of a 256 B put to a random key outstanding at a
/// time, from the first message it gets until the window ends.
caf::behavior writer(caf::event_based_actor* self, groups::group_handle group, window w,
                     std::uint64_t seed, caf::actor report_to);

} // namespace mosaik::bench

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::bench::writer_stats)
