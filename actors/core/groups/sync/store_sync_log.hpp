#pragma once
// The sync_log a provider reads: the group's durable log (the store the
// engine persists to) up to the Raft core's commit index.

#include "actors/core/groups/sync/state_sync.hpp"
#include "actors/core/raft/raw_node.hpp"
#include "actors/core/raft/storage.hpp"

namespace mosaik::groups {

class store_sync_log final : public sync_log {
public:
  store_sync_log(const raft::storage& store, const raft::raw_node& node) : store_(store), node_(node) {}

  raft::index_t first_index() const override { return store_.first_index(); }
  /// Never past what is durable here.
  raft::index_t committed() const override;
  std::optional<raft::term_t> term(raft::index_t i) const override;
  std::vector<raft::entry> entries(raft::index_t first, raft::index_t last,
                                   std::size_t max_bytes) const override;

private:
  const raft::storage& store_;
  const raft::raw_node& node_;
};

} // namespace mosaik::groups
