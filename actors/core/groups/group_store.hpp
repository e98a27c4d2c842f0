#pragma once
// Where a group keeps its Raft state: the storage its engine reads and the
// persister it writes through, one per (node, group). A node has one
// provider that opens them: LMDB in its data directory
// (actors/groups/lmdb_stores), or memory (memory_stores.hpp: tests, the
// simulation, nodes without a data directory).
//
// Two ways to write: a store's own persist() writes one ready before it
// returns; the provider's commit() writes the readies of several of its
// stores at once (group commit: one durable transaction for all where the
// provider can), which is what the node's writer does for its groups
// (actors/groups/group_writer).

#include "actors/core/groups/durable_write.hpp"
#include "actors/core/groups/engine.hpp"
#include "actors/core/ids/ids.hpp"
#include "actors/core/raft/storage.hpp"

#include <memory>
#include <span>
#include <vector>

namespace mosaik::groups {

class group_store : public persister {
public:
  virtual const raft::storage& storage() const = 0;
};

/// One store's share of a group commit.
struct store_write {
  group_store* store = nullptr;
  const durable_write* write = nullptr;
};

class store_provider {
public:
  virtual ~store_provider() = default;
  /// The store of group `g`, created empty when new. At most one open store
  /// per group at a time.
  virtual raft::storage_result<std::unique_ptr<group_store>> open(const group_id& g) = 0;
  /// Writes each of `writes` (stores this provider opened, each at most
  /// once) durably: all in one transaction where the provider can. One
  /// result per write, in order; a failing write never fails the others.
  virtual std::vector<raft::storage_result<bool>> commit(std::span<const store_write> writes) = 0;
  /// Whether commit() waits for the disk (the node's writer then runs on
  /// a thread of its own).
  virtual bool blocking() const { return false; }
};

} // namespace mosaik::groups
