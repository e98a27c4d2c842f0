#pragma once
// The provider of log replay (FEATURES 7.2), on every member: it tells a
// session which committed entries it holds and serves them, at most
// `batch_size` entries and `max_batch_bytes` of data per response. Only
// committed entries are ever served: those are the same on every member
// (Raft's state machine safety), so a session may take them from anyone.

#include "actors/core/groups/sync/log_replay_config.hpp"
#include "actors/core/groups/sync/state_sync.hpp"

namespace mosaik::groups {

class log_replay_provider final : public sync_provider {
public:
  explicit log_replay_provider(log_replay_config cfg);
  bool receive(const peer_id& from, const sync_message& m, const sync_log& log,
               std::vector<sync_send>& out) override;

private:
  availability_response availability(const sync_log& log) const;
  fetch_response fetch(const index_range& asked, const sync_log& log) const;

  log_replay_config cfg_;
};

} // namespace mosaik::groups
