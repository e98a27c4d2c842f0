#pragma once
// Where a group keeps its Raft state: the storage its engine reads and the
// persister it writes through, one per (node, group). A node has one
// provider that opens them: LMDB in its data directory
// (actors/groups/lmdb_stores), or memory (memory_stores.hpp: tests, the
// simulation, nodes without a data directory).

#include "actors/core/groups/engine.hpp"
#include "actors/core/ids/ids.hpp"
#include "actors/core/raft/storage.hpp"

#include <memory>

namespace mosaik::groups {

class group_store : public persister {
public:
  virtual const raft::storage& storage() const = 0;
};

class store_provider {
public:
  virtual ~store_provider() = default;
  /// The store of group `g`, created empty when new. At most one open store
  /// per group at a time.
  virtual raft::storage_result<std::unique_ptr<group_store>> open(const group_id& g) = 0;
};

} // namespace mosaik::groups
