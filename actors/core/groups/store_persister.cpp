#include "actors/core/groups/store_persister.hpp"

namespace mosaik::groups {

raft::storage_result<persist_mode> store_persister::persist(const raft::ready& rd) {
  if (auto r = write(durable_part(rd)); !r)
    return unexpected{r.error()};
  return persist_mode::written;
}

raft::storage_result<bool> store_persister::write(const durable_write& w) {
  if (w.snapshot)
    if (auto r = store_.reset_to_snapshot(*w.snapshot); !r)
      return r;
  if (!w.entries.empty())
    if (auto r = store_.append(w.entries); !r)
      return r;
  if (w.hard)
    if (auto r = store_.save_hard_state(*w.hard); !r)
      return r;
  if (w.config)
    if (auto r = store_.save_configuration(*w.config); !r)
      return r;
  if (sync_)
    sync_();
  return true;
}

} // namespace mosaik::groups
