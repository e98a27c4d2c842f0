#pragma once
// A tiny synchronous network of raw_nodes for the Raft unit tests (in the
// spirit of etcd-io/raft's raft_test.go `network`): messages are delivered
// in order, links can be cut, nodes can crash (losing unsynced writes) and
// restart from their memory_storage.

#include "actors/core/raft/memory_storage.hpp"
#include "actors/core/raft/raw_node.hpp"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace mosaik::raft::testing {

/// Node ids that sort in the order of n.
inline node_id nid(std::uint8_t n) {
  peer_id::array_type raw{};
  raw[0] = n;
  return peer_id{raw};
}

struct test_node {
  memory_storage store;
  std::optional<raw_node> node;
  config cfg;
  std::vector<entry> applied;
  std::vector<proposal_event> proposals;
  std::vector<read_state> reads;
  std::vector<raft_error> errors;
  std::optional<snapshot_metadata> snapshot_needed;
  bool crashed = false;
};

class test_cluster {
public:
  /// Nodes 1..n, all bonded to each other, with `tweak` applied to each
  /// config.
  explicit test_cluster(std::uint8_t n, std::function<void(config&)> tweak = {});

  test_node& at(std::uint8_t n) { return nodes_.at(nid(n)); }
  raw_node& node(std::uint8_t n) { return *at(n).node; }

  /// Delivers every message (except across cut links) until nothing moves.
  void stabilize();
  /// Ticks every live node `ticks` times, stabilizing after each tick.
  void tick_all(std::uint32_t ticks);
  void tick(std::uint8_t n, std::uint32_t ticks = 1);
  /// Ticks until some node leads with `voters` voters in its configuration
  /// and everything is committed everywhere; false after `max_ticks`.
  bool form_group(std::size_t voters, std::uint32_t max_ticks = 2000);
  std::optional<std::uint8_t> leader() const;

  void isolate(std::uint8_t n);
  void cut(std::uint8_t a, std::uint8_t b);
  void heal() { cut_.clear(); }
  /// Stops the node and loses its unsynced writes (stabilize syncs every
  /// ready, so only writes a test made itself are lost).
  void crash(std::uint8_t n);
  void restart(std::uint8_t n);

  std::vector<message> sent; // every message delivered, in order
  /// Messages for which this returns true are dropped.
  std::function<bool(const message&)> drop;
  /// Applied to every message before delivery (say, to hold back a commit
  /// index as a slow network would).
  std::function<void(message&)> rewrite;
  /// When set, a node's messages are held here instead of delivered.
  std::set<node_id> hold;
  std::vector<message> held;
  /// The receiver is up, the link is not cut and `drop` spares it.
  bool deliverable(const message& m) const;

private:
  void process(test_node& t);

  std::map<node_id, test_node> nodes_;
  std::set<std::pair<node_id, node_id>> cut_;
  std::vector<message> queue_;
};

} // namespace mosaik::raft::testing
