#pragma once
// The Raft core reads its log through `storage` (read-only, as in
// etcd-io/raft). The group actor writes through `log_store` after each
// `ready`: persist first, then send, then apply, then advance.
//
// Index conventions: the log holds entries first_index()..last_index().
// Entries at or below snapshot().index are compacted; first_index() is
// snapshot().index + 1 and last_index() >= snapshot().index. An empty log
// with no snapshot has first_index() == 1 and last_index() == 0.

#include "actors/core/expected.hpp"
#include "actors/core/raft/types.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace mosaik::raft {

enum class storage_errc {
  compacted,   // the index is below first_index(): ask for a snapshot
  unavailable, // the index is above last_index()
  corrupted,   // stored data failed its checksum or did not decode; never served
  full,        // out of space (LMDB map full); nothing was written
  io,          // any other failure of the backing store
};

struct storage_error {
  storage_errc code;
  std::string detail;
};

template <class T>
using storage_result = expected<T, storage_error>;

/// Read-only view of a node's durable Raft state.
class storage {
public:
  virtual ~storage() = default;

  /// Hard state and configuration as last saved (zero/empty when new).
  virtual hard_state initial_hard_state() const = 0;
  virtual configuration initial_configuration() const = 0;

  /// Entries in [lo, hi), at least one if lo < hi and lo is present, then as
  /// many as fit in max_bytes of entry data.
  virtual storage_result<std::vector<entry>> entries(index_t lo, index_t hi,
                                                     std::size_t max_bytes) const = 0;
  /// Term of the entry at i; for i == snapshot().index, the snapshot's term.
  virtual storage_result<term_t> term(index_t i) const = 0;
  virtual index_t first_index() const = 0;
  virtual index_t last_index() const = 0;
  virtual snapshot_metadata snapshot() const = 0;
};

/// The writes the group actor makes. Each call is atomic: it happens
/// entirely or not at all.
class log_store : public storage {
public:
  /// Appends contiguous entries. If the first index is <= last_index(), the
  /// existing suffix from there is replaced (Raft's conflict truncation).
  /// The first index must be in [first_index(), last_index() + 1].
  virtual storage_result<bool> append(std::span<const entry> entries) = 0;
  /// Removes every entry with index >= from.
  virtual storage_result<bool> truncate_suffix(index_t from) = 0;
  /// Drops entries up to and including upto (which must be <= last_index()
  /// and covered by an applied state); the snapshot anchor moves there.
  virtual storage_result<bool> compact(index_t upto, term_t term, const configuration& config) = 0;
  /// Discards the whole log and restarts it after `meta` (snapshot install).
  virtual storage_result<bool> reset_to_snapshot(const snapshot_metadata& meta) = 0;
  virtual storage_result<bool> save_hard_state(const hard_state& hs) = 0;
  virtual storage_result<bool> save_configuration(const configuration& config) = 0;
};

} // namespace mosaik::raft
