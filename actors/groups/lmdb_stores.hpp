#pragma once
// Group stores in LMDB: one environment per node (persistence/node_store),
// each group in its own databases. A ready is one durable write
// transaction (node_store::commit); a group commit is one for all the
// groups in it.

#include "actors/core/groups/group_store.hpp"

#include <filesystem>
#include <memory>

namespace mosaik::persistence {
class node_store;
}

namespace mosaik::groups {

class lmdb_stores final : public store_provider {
public:
  /// Opens (creating if needed) the environment in `dir`.
  static raft::storage_result<std::shared_ptr<store_provider>> open(const std::filesystem::path& dir);

  raft::storage_result<std::unique_ptr<group_store>> open(const group_id& g) override;
  std::vector<raft::storage_result<bool>> commit(std::span<const store_write> writes) override;
  bool blocking() const override { return true; }

  explicit lmdb_stores(std::shared_ptr<persistence::node_store> node) : node_(std::move(node)) {}

private:
  std::shared_ptr<persistence::node_store> node_;
};

} // namespace mosaik::groups
