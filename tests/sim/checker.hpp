#pragma once
// The safety invariants the simulator checks after every step. Each hook is
// called by the cluster as things happen; the first violation is kept.
//   election safety    at most one leader per term, across all time
//   leader completeness every new leader holds every committed entry
//   log matching       equal (index, term) means equal entry and equal prefix
//   commit agreement   no two nodes commit different entries at an index
//   state machine safety no two nodes apply different entries at an index
//   vote durability    a node never grants two votes in one term, restarts included
//   monotonicity       durable term and commit never decrease; applied never
//                      decreases within an incarnation
//   convergence        replicas at the same applied index have the same state
//   ready contract     what a message promises is durable when it is sent: a
//                      granted vote is the sender's durable (term, vote), an
//                      append acknowledgement is covered by its durable log
//                      (and matches the leader's), and no message carries a
//                      term beyond the sender's durable term

#include "actors/core/raft/message.hpp"
#include "actors/core/raft/storage.hpp"
#include "actors/core/raft/types.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>

namespace mosaik::sim {

/// A node as the checker tracks it: a wiped node starts a new generation,
/// a restart a new incarnation.
struct node_key {
  raft::node_id id;
  std::uint64_t generation = 0;
  auto operator<=>(const node_key&) const = default;
};

class checker {
public:
  void on_leader(const node_key& n, raft::term_t term, const raft::storage& log,
                 raft::index_t last_index, const std::string& who);
  void on_entries(const node_key& n, const raft::storage& log,
                  const std::vector<raft::entry>& appended, const std::string& who);
  /// `term` is the committing node's term: leaders of later terms must hold
  /// these entries.
  void on_commit(const node_key& n, const raft::storage& log, raft::index_t from,
                 raft::index_t to, raft::term_t term, const std::string& who);
  void on_apply(const raft::entry& e, std::uint64_t state_hash, const std::string& who);
  void on_snapshot_state(raft::index_t index, std::uint64_t state_hash, const std::string& who);
  void on_vote(const node_key& voter, raft::term_t term, const raft::node_id& candidate,
               const std::string& who);
  void on_durable(const node_key& n, const raft::hard_state& hs, const std::string& who);
  /// A message leaves a node whose durable state is `durable`. `leader_log`
  /// is the durable log of the receiver when it still leads the message's
  /// term (append acknowledgements must match it), else null.
  void on_send(const raft::storage& durable, const raft::message& m,
               const raft::storage* leader_log, const std::string& who);
  void on_applied(const node_key& n, std::uint64_t incarnation, raft::index_t applied,
                  const std::string& who);

  bool ok() const { return !violation_; }
  const std::optional<std::string>& violation() const { return violation_; }
  raft::index_t max_committed() const { return max_committed_; }
  std::size_t leaders() const { return leaders_.size(); }

private:
  struct entry_id {
    raft::term_t term = 0;
    std::uint64_t hash = 0;
    bool operator==(const entry_id&) const = default;
  };
  void fail(std::string what);
  void check_ack(const raft::storage& durable, const raft::message& m, raft::index_t index,
                 const raft::storage* leader_log, const std::string& who);
  static std::uint64_t hash_of(const raft::entry& e);

  std::optional<std::string> violation_;
  std::map<raft::term_t, raft::node_id> leaders_;
  // (index, term) -> (entry hash, previous entry's term)
  std::unordered_map<std::uint64_t, std::map<raft::term_t, std::pair<std::uint64_t, raft::term_t>>>
    logged_;
  std::unordered_map<raft::index_t, entry_id> committed_;
  std::unordered_map<raft::index_t, raft::term_t> committed_in_;
  raft::index_t max_committed_ = 0;
  std::unordered_map<raft::index_t, entry_id> applied_;
  std::unordered_map<raft::index_t, std::uint64_t> states_;
  std::map<std::tuple<raft::node_id, std::uint64_t, raft::term_t>, raft::node_id> votes_;
  std::map<node_key, raft::hard_state> durable_;
  std::map<std::pair<node_key, std::uint64_t>, raft::index_t> applied_marks_;
};

} // namespace mosaik::sim
