#pragma once
// The durable Raft storage of one group (raft::log_store over LMDB), opened
// through node_store::open_group. Three databases per group:
//   log   big-endian u64 index -> StoredEntry
//   meta  "hard_state" -> HardState, "configuration" -> Configuration,
//         "snapshot" -> SnapshotMetadata (the log's anchor)
//   snap  big-endian u64 chunk number -> SnapshotChunk
// Every record carries a CRC32C checked on read: a damaged record is reported
// as storage_errc::corrupted and never served.
//
// Bounds, hard state, configuration and anchor are cached in memory, so the
// infallible accessors of raft::storage never touch the disk. One writer at a
// time per group (its group actor, or whoever runs node_store::commit);
// readers may run concurrently with it.
//
// Edge cases beyond raft/storage.hpp, as raft::memory_storage has them:
// entries(lo, hi) with lo > hi is unavailable; append of non-contiguous
// entries is io; compact(upto) at or below the anchor is compacted, beyond
// the log unavailable, with a term the entry does not have io. Where the two
// differ (memory_storage is more lenient): append below first_index() is
// compacted here (unavailable there), reset_to_snapshot below the anchor is
// refused as compacted (a stale snapshot), and a configuration that breaks
// the sorted/disjoint rules is refused with io. Neither compact nor
// reset_to_snapshot changes the saved configuration or hard state.

#include "actors/core/ids/ids.hpp"
#include "actors/core/raft/snapshot_chunk.hpp"
#include "actors/core/raft/storage.hpp"
#include "persistence/lmdb/dbi.hpp"
#include "persistence/lmdb/txn.hpp"
#include "persistence/store_options.hpp"

#include <mutex>
#include <optional>

namespace mosaik::persistence {

class node_store;

class group_log_store final : public raft::log_store {
public:
  group_log_store(const group_log_store&) = delete;
  group_log_store& operator=(const group_log_store&) = delete;
  ~group_log_store() override;

  const group_id& id() const noexcept { return id_; }

  // -- raft::storage --------------------------------------------------------
  raft::hard_state initial_hard_state() const override;
  raft::configuration initial_configuration() const override;
  raft::storage_result<std::vector<raft::entry>> entries(raft::index_t lo, raft::index_t hi,
                                                         std::size_t max_bytes) const override;
  raft::storage_result<raft::term_t> term(raft::index_t i) const override;
  raft::index_t first_index() const override;
  raft::index_t last_index() const override;
  raft::snapshot_metadata snapshot() const override;

  // -- raft::log_store ------------------------------------------------------
  raft::storage_result<bool> append(std::span<const raft::entry> entries) override;
  raft::storage_result<bool> truncate_suffix(raft::index_t from) override;
  raft::storage_result<bool> compact(raft::index_t upto, raft::term_t term,
                                     const raft::configuration& config) override;
  raft::storage_result<bool> reset_to_snapshot(const raft::snapshot_metadata& meta) override;
  raft::storage_result<bool> save_hard_state(const raft::hard_state& hs) override;
  raft::storage_result<bool> save_configuration(const raft::configuration& config) override;

  // -- snapshot chunks ------------------------------------------------------
  /// Stores (or replaces) chunk `chunk.number`.
  raft::storage_result<bool> put_snapshot_chunk(const raft::snapshot_chunk& chunk);
  /// The stored chunk `number`; unavailable when absent. The caller checks
  /// that it belongs to the snapshot it wants.
  raft::storage_result<raft::snapshot_chunk> snapshot_chunk(std::uint64_t number) const;
  raft::storage_result<std::size_t> snapshot_chunk_count() const;
  raft::storage_result<bool> clear_snapshot_chunks();

private:
  friend class node_store;

  struct dbs {
    lmdb::dbi log;
    lmdb::dbi meta;
    lmdb::dbi snap;
  };

  /// What the store caches; staged writes work on a copy and publish it
  /// once their transaction has committed.
  struct state {
    raft::hard_state hs;
    raft::configuration config;
    raft::snapshot_metadata snap;
    raft::index_t last = 0;
    /// Term at `last`; nullopt when that entry is damaged (term() then
    /// reports it), so a store with a damaged tail still opens and can
    /// truncate it.
    std::optional<raft::term_t> last_term = 0;
  };

  using staged = std::optional<raft::storage_error>;

  group_log_store(node_store& node, const group_id& id, const dbs& dbs, state initial);

  /// Reads the cached state from a group's databases; checks that the log
  /// is contiguous and starts right after the anchor.
  static raft::storage_result<state> load(lmdb::txn& t, const dbs& dbs,
                                          const store_options& options);

  // Each stage_* validates against `s`, writes into `t` and updates `s`.
  // A failed precondition is returned; LMDB failures throw lmdb::error.
  staged stage_append(lmdb::txn& t, std::span<const raft::entry> entries, state& s) const;
  staged stage_truncate(lmdb::txn& t, raft::index_t from, state& s) const;
  staged stage_compact(lmdb::txn& t, raft::index_t upto, raft::term_t term,
                       const raft::configuration& config, state& s) const;
  staged stage_reset(lmdb::txn& t, const raft::snapshot_metadata& meta, state& s) const;
  staged stage_hard_state(lmdb::txn& t, const raft::hard_state& hs, state& s) const;
  staged stage_configuration(lmdb::txn& t, const raft::configuration& config, state& s) const;

  /// Runs one stage_* in its own transaction and publishes the result.
  template <class Stage>
  raft::storage_result<bool> write(Stage&& stage);

  state current() const;
  void publish(state s);

  node_store& node_;
  group_id id_;
  dbs dbs_;
  mutable std::mutex mutex_; // guards state_
  state state_;
};

} // namespace mosaik::persistence
