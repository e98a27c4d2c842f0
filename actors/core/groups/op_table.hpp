#pragma once
// The feed and execute operations an engine waits on: which proposal is
// which command of which operation, what the Raft core said about each, the
// apply outcomes an execute still needs, and when an operation has ended
// (the rules are engine.hpp's; the codes are documented at settle()).

#include "actors/core/groups/machine.hpp"
#include "actors/core/groups/operations.hpp"
#include "actors/core/groups/time.hpp"
#include "actors/core/raft/ready.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace mosaik::groups {

enum class op_kind : std::uint8_t { feed, execute };

class op_table {
public:
  /// An operation whose commands were proposed with `proposals`, in order.
  /// `applied` is the local applied index at proposal time: the leader
  /// appends each command after it, so no earlier entry can be one of them.
  void add(op_id id, op_kind kind, std::vector<bytes> commands,
           std::vector<std::uint64_t> proposals, millis deadline, raft::index_t applied);
  /// What the core said about a proposal. `leader` is whether this node
  /// leads now: a drop here is then for lack of room (rejected), otherwise
  /// a refusal by the leader it forwarded to (offline).
  void on_proposal(const raft::proposal_event& e, bool leader);
  /// A command entry was applied here with outcome `o`.
  void on_applied(raft::index_t index, raft::term_t term, const apply_outcome& o);
  /// Ends the operations that are done (only those an event touched since
  /// the last call can be):
  ///  - feed: every command accepted -> fed (first to last index);
  ///  - execute: every command committed and applied -> executed;
  ///  - a command refused and none still unanswered -> failed. The code is
  ///    the refusal's (no_leader, offline, rejected) when no command can
  ///    have taken effect; otherwise timeout if a proposal's outcome is
  ///    unknown (no answer from the leader), else leader_changed. `unsent`
  ///    lists the refused commands.
  void settle(std::vector<completion>& out);
  /// Fails the operations whose deadline is at or before `now` (timeout:
  /// every one of them has proposed commands that may still commit).
  void expire(millis now, std::vector<completion>& out);
  /// Fails every operation with `code`, or with an unknown code when some
  /// command of it was proposed (unsent lists all commands exactly when the
  /// code is definite).
  void fail_all(op_errc code, const std::string& detail, std::vector<completion>& out);

  bool contains(op_id id) const { return ops_.contains(id); }
  std::size_t size() const { return ops_.size(); }

private:
  enum class state : std::uint8_t { waiting, accepted, committed, refused, unknown };
  struct command {
    bytes data;
    std::uint64_t proposal = 0;
    state st = state::waiting;
    raft::index_t index = 0;
    raft::term_t term = 0;
    op_errc refusal = op_errc::offline;
    std::optional<apply_outcome> result;
  };
  struct op {
    op_kind kind = op_kind::feed;
    millis deadline{0};
    raft::index_t floor = 0;
    std::vector<command> commands;
  };
  struct applied_entry {
    raft::term_t term = 0;
    apply_outcome outcome;
  };

  /// The completion `o` has come to, if any.
  static std::optional<completion> outcome(op_id id, const op& o);
  static failed failure(op_id id, const op& o, std::optional<op_errc> forced);
  /// Drops the kept outcomes no waiting execute can still claim.
  void prune_applied();
  void end(std::map<op_id, op>::iterator it, completion c, std::vector<completion>& out);

  std::map<op_id, op> ops_;
  std::map<std::uint64_t, std::pair<op_id, std::size_t>> by_proposal_;
  /// Operations with an event since the last settle().
  std::set<op_id> touched_;
  /// The `applied` floor of every execute in flight.
  std::multiset<raft::index_t> floors_;
  /// Outcomes of entries applied before an execute learned their index (a
  /// forwarded proposal's answer can arrive after the entry's commit).
  std::map<raft::index_t, applied_entry> applied_;
};

} // namespace mosaik::groups
