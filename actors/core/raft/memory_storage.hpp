#pragma once
// An in-memory log_store for unit tests and the simulator. It keeps what has
// been synced apart from what has only been written: `sync()` makes every
// pending write durable, `crash()` drops whatever was not synced (optionally
// keeping the first few pending writes, as a disk that got part of the way).
// Reads always see the latest writes, synced or not, like a page cache.

#include "actors/core/raft/storage.hpp"

#include <cstddef>
#include <variant>
#include <vector>

namespace mosaik::raft {

class memory_storage : public log_store {
public:
  memory_storage() = default;

  // -- storage ---------------------------------------------------------------

  hard_state initial_hard_state() const override { return current_.hs; }
  configuration initial_configuration() const override { return current_.config; }
  storage_result<std::vector<entry>> entries(index_t lo, index_t hi,
                                             std::size_t max_bytes) const override;
  storage_result<term_t> term(index_t i) const override;
  index_t first_index() const override { return current_.snap.index + 1; }
  index_t last_index() const override { return current_.snap.index + current_.log.size(); }
  snapshot_metadata snapshot() const override { return current_.snap; }

  // -- log_store ---------------------------------------------------------------

  storage_result<bool> append(std::span<const entry> entries) override;
  storage_result<bool> truncate_suffix(index_t from) override;
  storage_result<bool> compact(index_t upto, term_t term, const configuration& config) override;
  storage_result<bool> reset_to_snapshot(const snapshot_metadata& meta) override;
  storage_result<bool> save_hard_state(const hard_state& hs) override;
  storage_result<bool> save_configuration(const configuration& config) override;

  // -- durability ----------------------------------------------------------------

  /// Makes every write so far durable.
  void sync();
  /// Loses every write not synced, except the first `keep` pending writes
  /// (each write is atomic, so a crash never tears one).
  void crash(std::size_t keep = 0);
  /// Writes made since the last sync.
  std::size_t pending_writes() const { return pending_.size(); }

private:
  struct state {
    hard_state hs;
    configuration config;
    snapshot_metadata snap;
    std::vector<entry> log; // log[k] has index snap.index + 1 + k
  };
  struct append_op { std::vector<entry> entries; };
  struct truncate_op { index_t from; };
  struct compact_op { index_t upto; term_t term; configuration config; };
  using write = std::variant<append_op, truncate_op, compact_op, snapshot_metadata, hard_state,
                             configuration>;

  /// Checks `w` against `current_`; nullopt-like success or the error.
  static storage_result<bool> validate(const state& s, const write& w);
  static void apply(state& s, const write& w);
  storage_result<bool> record(write w);

  state durable_;
  state current_;
  std::vector<write> pending_;
};

} // namespace mosaik::raft
