#pragma once
// The persister of a group actor's engine. Until the actor runs (the
// engine's first readies, when it replays its log at start) it writes in
// place, through the group's store; once the actor calls queue_to(), every
// write goes to the node's writer (group_writer.hpp) as a write_job and the
// engine waits for the answer (engine::persisted).

#include "actors/core/groups/durable_write.hpp"
#include "actors/core/groups/engine.hpp"
#include "actors/core/groups/group_store.hpp"

#include <functional>
#include <memory>

namespace mosaik::groups {

/// One group's write for the node's writer. The store travels with it, so
/// it stays open while the write is under way, even if its group stops.
struct write_job {
  std::shared_ptr<group_store> store;
  durable_write write;
};

class group_persister final : public persister {
public:
  explicit group_persister(std::shared_ptr<group_store> store) : store_(std::move(store)) {}

  /// From now on, writes are queued to `submit`.
  void queue_to(std::function<void(write_job)> submit) { submit_ = std::move(submit); }

  raft::storage_result<persist_mode> persist(const raft::ready& rd) override {
    if (!submit_)
      return store_->persist(rd);
    submit_(write_job{store_, durable_part(rd)});
    return persist_mode::queued;
  }

private:
  std::shared_ptr<group_store> store_;
  std::function<void(write_job)> submit_;
};

} // namespace mosaik::groups
