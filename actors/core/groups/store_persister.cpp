#include "actors/core/groups/store_persister.hpp"

namespace mosaik::groups {

raft::storage_result<bool> store_persister::persist(const raft::ready& rd) {
  if (rd.snapshot)
    if (auto r = store_.reset_to_snapshot(*rd.snapshot); !r)
      return r;
  if (!rd.entries.empty())
    if (auto r = store_.append(rd.entries); !r)
      return r;
  if (rd.hard)
    if (auto r = store_.save_hard_state(*rd.hard); !r)
      return r;
  if (rd.config)
    if (auto r = store_.save_configuration(*rd.config); !r)
      return r;
  if (sync_)
    sync_();
  return true;
}

} // namespace mosaik::groups
