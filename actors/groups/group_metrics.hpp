#pragma once
// The series of one group in the node's registry (FEATURES section 10 names,
// labelled with the short group id).

#include "actors/core/groups/bond_table.hpp"
#include "actors/core/groups/group_view.hpp"
#include "actors/core/groups/sync/sync_driver.hpp"
#include "actors/core/ids/ids.hpp"
#include "actors/metrics/registry.hpp"

#include <memory>
#include <optional>

namespace mosaik::groups {

class group_metrics {
public:
  group_metrics(std::shared_ptr<metrics::registry> registry, const group_id& group);

  /// After the view changed from `before` to `now`.
  void view_changed(const std::optional<group_view>& before, const group_view& now);
  void bonds(std::size_t active);
  void bond_closed(bond_close_reason why, bool by_us);
  void message_sent(std::size_t bytes);
  void message_received(std::size_t bytes);
  /// A frame or Raft message this node dropped, by why.
  void dropped(const std::string& why);
  void split_bootstrap();
  /// The engine's state-sync counters now (they only grow).
  void sync(const sync_totals& now);

private:
  std::shared_ptr<metrics::registry> registry_;
  metrics::labels labels_;
  metrics::counter messages_sent_, messages_received_, bytes_sent_, bytes_received_;
  metrics::counter elections_, leader_changes_;
  metrics::gauge committed_, bonds_active_, voters_, non_voters_, size_;
  metrics::counter sync_started_, sync_completed_, sync_abandoned_, sync_fetched_,
    sync_from_leader_, sync_timeouts_, sync_rejected_;
  sync_totals sync_seen_;
};

} // namespace mosaik::groups
