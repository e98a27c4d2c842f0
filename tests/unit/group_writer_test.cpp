// The node's group writer on CAF's test coordinator: every write in its
// mailbox goes into one commit, each requester gets its own answer, and a
// failing write fails only its own group.
#include "tests/support/caf_doctest.hpp"

#include "actors/core/groups/memory_stores.hpp"
#include "actors/groups/group_writer.hpp"

#include <caf/event_based_actor.hpp>

#include <set>
#include <string>
#include <vector>

using namespace mosaik;
using namespace mosaik::groups;

namespace {

/// memory_stores that records the size of every commit and fails the
/// writes of the stores in `poisoned`.
class recording_stores final : public store_provider {
public:
  raft::storage_result<std::unique_ptr<group_store>> open(const group_id& g) override {
    return inner.open(g);
  }
  std::vector<raft::storage_result<bool>> commit(std::span<const store_write> writes) override {
    commits.push_back(writes.size());
    auto results = inner.commit(writes);
    for (std::size_t k = 0; k < writes.size(); ++k)
      if (poisoned.count(writes[k].store) > 0)
        results[k] = unexpected{raft::storage_error{raft::storage_errc::io, "injected"}};
    return results;
  }
  memory_stores inner;
  std::vector<std::size_t> commits;
  std::set<const group_store*> poisoned;
};

write_job job_for(std::shared_ptr<group_store> store, raft::index_t index) {
  durable_write w;
  w.entries.push_back(raft::entry{index, 1, raft::entry_type::command, bytes{1, 2, 3}});
  w.hard = raft::hard_state{1, std::nullopt, 0};
  return {std::move(store), std::move(w)};
}

struct fixture : test_coordinator_fixture<> {
  std::shared_ptr<recording_stores> stores = std::make_shared<recording_stores>();
  std::shared_ptr<metrics::registry> registry = std::make_shared<metrics::registry>();
  std::vector<std::shared_ptr<group_store>> opened;
  /// "ok" or the error, per job, in the order the answers came.
  std::shared_ptr<std::vector<std::string>> answers = std::make_shared<std::vector<std::string>>();
  caf::actor parent;
  writer_handle writer;

  fixture() {
    for (const char* name : {"a", "b", "c"})
      opened.push_back(std::move(stores->open(group_id::from(name)).value()));
    // The writer links to an actor, as it does to the groups actor.
    auto init = [](caf::event_based_actor* self, std::shared_ptr<recording_stores> s,
                   std::shared_ptr<metrics::registry> r, writer_handle* out) -> caf::behavior {
      *out = spawn_group_writer(self, std::move(s), std::move(r));
      return {[](caf::unit_t) {}};
    };
    parent = sys.spawn(init, stores, registry, &writer);
    run();
  }

  ~fixture() { caf::anon_send_exit(parent, caf::exit_reason::user_shutdown); }

  /// Sends the jobs in one go from one client, answers into `answers`.
  void submit(std::vector<write_job> jobs) {
    auto client = [](caf::event_based_actor* self, writer_handle w, std::shared_ptr<std::vector<write_job>> js,
                     std::shared_ptr<std::vector<std::string>> out) {
      for (auto& j : *js)
        self->request(w, caf::infinite, std::move(j))
          .then([out](bool) { out->push_back("ok"); },
                [self, out](caf::error& e) { out->push_back(self->system().render(e)); });
    };
    sys.spawn(client, writer, std::make_shared<std::vector<write_job>>(std::move(jobs)), answers);
  }
};

} // namespace

TEST_CASE_FIXTURE(fixture, "group writer: the writes in its mailbox go into one commit, the next ones into the next") {
  submit({job_for(opened[0], 1), job_for(opened[1], 1), job_for(opened[2], 1)});
  run();
  CHECK(stores->commits == std::vector<std::size_t>{3});
  CHECK(*answers == std::vector<std::string>{"ok", "ok", "ok"});
  submit({job_for(opened[0], 2)});
  run();
  CHECK(stores->commits == std::vector<std::size_t>{3, 1});
  CHECK(stores->inner.storage_of(group_id::from("a"))->last_index() == 2);
  CHECK(stores->inner.storage_of(group_id::from("b"))->last_index() == 1);
  CHECK(registry->counter("mosaik.groups.writer.commits").value() == 2);
  CHECK(registry->counter("mosaik.groups.writer.writes").value() == 4);
}

TEST_CASE_FIXTURE(fixture, "group writer: a failing write fails only its own group") {
  stores->poisoned.insert(opened[1].get());
  submit({job_for(opened[0], 1), job_for(opened[1], 1), job_for(opened[2], 1)});
  run();
  REQUIRE(answers->size() == 3);
  CHECK((*answers)[0] == "ok");
  CHECK((*answers)[1].find("injected") != std::string::npos);
  CHECK((*answers)[2] == "ok");
}
