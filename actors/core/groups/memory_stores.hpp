#pragma once
// Group stores in memory (raft::memory_storage): for nodes without a data
// directory, unit tests and the simulation. Every write is synced as it is
// made, so a store keeps exactly what a durable one would. The provider
// keeps each group's storage for as long as it lives, so a simulated node
// restarted with the same provider resumes its groups (a real process loses
// them with its memory). A group commit writes the stores one after the
// other (each write atomic on its own).

#include "actors/core/groups/group_store.hpp"
#include "actors/core/raft/memory_storage.hpp"

#include <map>
#include <memory>

namespace mosaik::groups {

class memory_stores final : public store_provider {
public:
  raft::storage_result<std::unique_ptr<group_store>> open(const group_id& g) override;
  std::vector<raft::storage_result<bool>> commit(std::span<const store_write> writes) override;

  /// The storage of `g`, once opened (tests inspect it).
  std::shared_ptr<raft::memory_storage> storage_of(const group_id& g) const;

private:
  std::map<group_id, std::shared_ptr<raft::memory_storage>> stores_;
};

} // namespace mosaik::groups
