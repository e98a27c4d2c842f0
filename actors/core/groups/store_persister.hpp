#pragma once
// A persister over any raft::log_store: writes a ready's durable part
// (durable_write.hpp) in raw_node.hpp's order (reset to the snapshot,
// append the entries, save the hard state, save the configuration) before
// returning, and stops at the first failure.
//
// Each write is atomic on its own; the ready as a whole is only as atomic
// and durable as the store makes it. A store that buffers its writes
// (raft::memory_storage) is made durable by the `sync` hook, called once
// after every write of a ready succeeded: pass [&] { store.sync(); } to
// make each ready durable, or nothing to leave syncing (and crash points)
// to the caller, as a test that simulates a lost write does.

#include "actors/core/groups/durable_write.hpp"
#include "actors/core/groups/engine.hpp"
#include "actors/core/raft/storage.hpp"

#include <functional>

namespace mosaik::groups {

class store_persister final : public persister {
public:
  explicit store_persister(raft::log_store& store, std::function<void()> sync = {})
    : store_(store), sync_(std::move(sync)) {}

  raft::storage_result<persist_mode> persist(const raft::ready& rd) override;
  raft::storage_result<bool> write(const durable_write& w);

private:
  raft::log_store& store_;
  std::function<void()> sync_;
};

} // namespace mosaik::groups
