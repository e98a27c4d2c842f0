#include "actors/core/groups/sync/store_sync_log.hpp"

#include <algorithm>

namespace mosaik::groups {

raft::index_t store_sync_log::committed() const {
  return std::min(node_.committed(), store_.last_index());
}

std::optional<raft::term_t> store_sync_log::term(raft::index_t i) const {
  auto t = store_.term(i);
  if (!t)
    return std::nullopt;
  return *t;
}

std::vector<raft::entry> store_sync_log::entries(raft::index_t first, raft::index_t last,
                                                 std::size_t max_bytes) const {
  auto got = store_.entries(first, last + 1, max_bytes);
  if (!got)
    return {};
  return std::move(*got);
}

} // namespace mosaik::groups
