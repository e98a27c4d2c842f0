#pragma once
// The whole of one group on one member, without transport or disk: the Raft
// core, the user's machine and the client operations waiting on them. The
// group actor (actors/groups/group_actor) drives it: it feeds time, Raft
// messages from bonds, bond changes and client calls, then carries out
// `take_output()` (send the messages, deliver the completions, publish the
// view) and calls tick() every `engine_config::tick`.
//
// After every input the engine runs the core's ready loop (raw_node.hpp):
// persist through the `persister` (one atomic durable write per ready; the
// caller's job), then queue the messages, then apply the committed entries
// to the machine and end the operations they settle, then advance. A
// persister failure stops the engine: every operation fails with `storage`
// and no further input is acted on.
//
// A persister may queue a write instead of making it before it returns
// (the node's writer batches the writes of all its groups into one durable
// transaction). The ready then waits in the engine until persisted(); the
// engine goes on taking inputs, and the core gathers what they cause into
// the next ready, so the writes batch themselves: every proposal and
// append that arrives while one write is on disk goes into the next.
// A hard state that moved only its commit index is not a write of its own:
// nothing needs the commit index back after a crash (a restarted member
// replays what its store says is committed and learns the rest from its
// leader), so it goes to disk with the next write.
//
// Operations (operations.hpp):
//  - feed / execute propose each command (forwarded by the core when a
//    follower); a feed ends when the leader assigned every index, an
//    execute when exactly those entries (index and term) are committed and
//    applied here. Commands of one operation are proposed in order, and
//    operations in the order they arrive.
//  - weak queries are answered at once from the local machine (offline on
//    a candidate); strong queries wait for a ReadIndex round that starts
//    after they arrive (reads arriving while a round is in flight share the
//    next one), then for the local machine to apply up to its index.
//  - every operation has a deadline; tick() fails the expired ones (timeout,
//    or offline when nothing was proposed yet).
// State sync (sync/sync_driver.hpp): every member serves committed entries
// to lagging followers; a follower far behind its leader fetches them from
// all its bonds in parallel and appends them through the Raft core.
// Restart: a new engine over the same storage starts with a fresh machine
// and replays every committed entry into it (apply from index 1).

#include "actors/core/expected.hpp"
#include "actors/core/groups/consensus_config.hpp"
#include "actors/core/groups/group_view.hpp"
#include "actors/core/groups/machine.hpp"
#include "actors/core/groups/operations.hpp"
#include "actors/core/groups/sync/log_replay_config.hpp"
#include "actors/core/groups/sync/sync_driver.hpp"
#include "actors/core/groups/time.hpp"
#include "actors/core/ids/ids.hpp"
#include "actors/core/raft/config.hpp"
#include "actors/core/raft/raw_node.hpp"
#include "actors/core/raft/storage.hpp"

#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace mosaik::groups {

struct engine_config {
  group_id group;
  peer_id self;
  consensus_config consensus;
  raft::leadership preference;
  /// How long one Raft tick is; the caller calls tick() this often.
  millis tick{100};
  /// Seeds the core's randomness and the engine's proposal and read ids.
  /// Draw it afresh on every start of a member: a leader takes a proposal
  /// that reuses an id of the member's previous incarnation for a copy.
  std::uint64_t seed = 0;
  /// Operations waiting at once; more are rejected.
  std::size_t max_pending_ops = 4096;
  /// Upper bound of one command's size; larger ones are rejected.
  std::size_t max_command_bytes = 1u << 20;
  raft::log_sink* sink = nullptr;
  raft::injected_bugs bugs;
  /// Raft's flow control towards each follower (raft/config.hpp).
  std::size_t max_append_bytes = 1u << 20;
  std::size_t max_inflight = 64;
  /// Catch-up by log replay (sync/sync_driver.hpp).
  log_replay_config sync;
};

enum class persist_mode {
  written, // durable before persist() returned
  queued,  // durable once the caller calls engine::persisted()
};

/// Writes one ready's durable part (raw_node.hpp: snapshot, entries, hard
/// state, configuration) atomically and durably, before returning or, when
/// it answers `queued`, later (it copies what it needs: the ready may move).
class persister {
public:
  virtual ~persister() = default;
  virtual raft::storage_result<persist_mode> persist(const raft::ready& rd) = 0;
};

struct engine_output {
  /// Send in order; everything they depend on is durable.
  std::vector<raft::message> messages;
  /// State-sync messages (frames of kind `sync`), to bonded peers.
  std::vector<sync_send> sync_messages;
  std::vector<completion> completions;
  /// The view, when it changed since the last output.
  std::optional<group_view> view;
  /// Split bootstraps and storage failures the core reported.
  std::vector<raft::raft_error> errors;
  bool empty() const;
};

class engine {
public:
  /// Restarts from what `store` holds (the persister writes to the same
  /// store). `store`, `p` outlive the engine.
  static expected<engine, raft::storage_error> create(engine_config cfg, const raft::storage& store,
                                                      persister& p, std::unique_ptr<machine> m,
                                                      millis now);

  engine(engine&&) noexcept;
  engine& operator=(engine&&) noexcept;
  ~engine();

  // -- inputs ----------------------------------------------------------------
  /// One Raft tick; also ends the operations whose deadline passed.
  void tick(millis now);
  /// A Raft message from a bond (its sender checked by the bond).
  void on_message(const raft::message& m, millis now);
  /// A state-sync message from a bond (decoded; its sender is the bond's).
  void on_sync(const peer_id& from, const sync_message& m, millis now);
  void bond_up(const raft::peer_info& peer, millis now);
  /// The peer left the group for good (a departure on its bond).
  void bond_departed(const peer_id& peer, millis now);
  /// The bond closed without a departure.
  void bond_lost(const peer_id& peer, millis now);

  void feed(op_id id, std::vector<bytes> commands, millis deadline, millis now);
  void execute(op_id id, std::vector<bytes> commands, millis deadline, millis now);
  void query(op_id id, bytes q, consistency c, millis deadline, millis now);
  /// Fails every operation in flight (closed); later ones fail at once.
  void close(millis now);
  /// The write the persister queued is durable (or failed: the engine
  /// stops). Only while persisting().
  void persisted(raft::storage_result<bool> written, millis now);

  // -- output ----------------------------------------------------------------
  engine_output take_output();

  // -- state -----------------------------------------------------------------
  const group_view& view() const;
  const raft::raw_node& raft() const;
  /// The lineage the bond handshake announces.
  const digest& lineage() const;
  sync_totals sync() const;
  bool stopped() const;
  /// A queued write is outstanding.
  bool persisting() const;

private:
  struct impl;
  explicit engine(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace mosaik::groups
