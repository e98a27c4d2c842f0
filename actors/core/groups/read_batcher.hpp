#pragma once
// Strong queries (engine.hpp): each waits for a ReadIndex round that starts
// after it arrives; queries arriving while a round is in flight wait
// together for the next one, so one round confirms a whole batch. Once its
// round reports a read index, a query is served when the local machine has
// applied up to it.

#include "actors/core/groups/machine.hpp"
#include "actors/core/groups/operations.hpp"
#include "actors/core/groups/time.hpp"
#include "actors/core/raft/ready.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace mosaik::groups {

class read_batcher {
public:
  void add(op_id id, bytes q, millis deadline);
  /// True when queries wait for a round and none is in flight: the caller
  /// then asks the core for a read index and calls started() with its id.
  bool wants_round() const { return !round_ && !next_.empty(); }
  void started(std::uint64_t read_id);
  /// The core's answer for a round. A refusal fails its queries: no_leader
  /// as no_leader, dropped as offline, timeout as timeout.
  void on_read_state(const raft::read_state& rs, std::vector<completion>& out);
  /// Answers the queries whose read index `applied` has reached. A query the
  /// machine refuses fails as rejected with the machine's message.
  void serve(raft::index_t applied, const machine& m, std::vector<completion>& out);
  /// Fails the queries whose deadline is at or before `now`: offline if
  /// their round has not started and no leader is known, else timeout.
  void expire(millis now, bool leader_known, std::vector<completion>& out);
  void fail_all(op_errc code, const std::string& detail, std::vector<completion>& out);

  bool contains(op_id id) const;
  std::size_t size() const { return next_.size() + in_round_.size() + ready_.size(); }
  /// ReadIndex rounds started so far.
  std::uint64_t rounds() const { return rounds_; }

private:
  struct read {
    op_id id = 0;
    bytes q;
    millis deadline{0};
    raft::index_t index = 0; // the read index, once its round reported it
  };

  std::vector<read> next_;     // waiting for a round to start
  std::vector<read> in_round_; // confirmed by the round in flight
  std::vector<read> ready_;    // waiting for the machine to apply their index
  std::optional<std::uint64_t> round_;
  std::uint64_t rounds_ = 0;
};

} // namespace mosaik::groups
