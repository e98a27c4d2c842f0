#include "actors/groups/group_writer.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <utility>
#include <vector>

namespace mosaik::groups {

namespace {

/// Local only: commit what has gathered.
struct flush_writes {};

struct writer_state {
  static inline const char* name = "mosaik.groups.writer";
  std::shared_ptr<store_provider> stores;
  std::vector<std::pair<write_job, caf::typed_response_promise<bool>>> batch;
  bool flush_pending = false;
  metrics::counter commits;
  metrics::counter writes;
};

using writer_actor = caf::stateful_actor<writer_state>;

void flush(writer_actor* self) {
  auto& st = self->state;
  st.flush_pending = false;
  auto batch = std::exchange(st.batch, {});
  std::vector<store_write> writes;
  writes.reserve(batch.size());
  for (auto& [job, rp] : batch)
    writes.push_back({job.store.get(), &job.write});
  auto results = st.stores->commit(writes);
  st.commits.inc();
  st.writes.inc(batch.size());
  for (std::size_t k = 0; k < batch.size(); ++k) {
    auto& rp = batch[k].second;
    if (results.at(k))
      rp.deliver(true);
    else
      rp.deliver(caf::make_error(caf::sec::runtime_error, results[k].error().detail));
  }
}

caf::behavior behavior(writer_actor* self) {
  return {
    [=](write_job& job) {
      auto& st = self->state;
      auto rp = self->make_response_promise<bool>();
      st.batch.emplace_back(std::move(job), rp);
      if (!std::exchange(st.flush_pending, true))
        self->send(self, flush_writes{});
      return rp;
    },
    [=](flush_writes) { flush(self); },
  };
}

} // namespace

writer_handle spawn_group_writer(caf::local_actor* parent, std::shared_ptr<store_provider> stores,
                                 std::shared_ptr<metrics::registry> metrics) {
  // Arguments travel as shared pointers: CAF 0.17 binds a null reference
  // for spawns without arguments (see spawn_node).
  auto init = [](writer_actor* self, std::shared_ptr<store_provider> stores,
                 std::shared_ptr<metrics::registry> metrics) {
    auto& st = self->state;
    st.stores = std::move(stores);
    st.commits = metrics->counter("mosaik.groups.writer.commits");
    st.writes = metrics->counter("mosaik.groups.writer.writes");
    return behavior(self);
  };
  bool blocking = stores->blocking();
  auto spawned = blocking
                   ? parent->spawn<caf::linked + caf::detached>(init, std::move(stores), std::move(metrics))
                   : parent->spawn<caf::linked>(init, std::move(stores), std::move(metrics));
  return caf::actor_cast<writer_handle>(std::move(spawned));
}

} // namespace mosaik::groups

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::groups::flush_writes)
