// mosaik::group<M>'s blocking calls against a group actor that never
// answers: the outcome is unknown (a timeout), never a definite "closed",
// since the group may still commit what it was sent.
#include "actors/groups/group.hpp"
#include "apps/examples/kv/kv_machine.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include <doctest/doctest.h>

#include <memory>
#include <vector>

using namespace mosaik;
using namespace std::chrono_literals;

namespace {

using promises = std::vector<caf::typed_response_promise<groups::completion>>;

/// Takes every operation and keeps its promise without ever delivering it.
caf::behavior silent_group(caf::event_based_actor* self, std::shared_ptr<promises> kept) {
  auto keep = [self, kept] { return kept->emplace_back(self->make_response_promise<groups::completion>()); };
  return {
    [keep](groups::feed_op&) { return keep(); },
    [keep](groups::execute_op&) { return keep(); },
    [keep](groups::query_op&) { return keep(); },
  };
}

groups::group_handle spawn_silent(caf::actor_system& sys, std::shared_ptr<promises> kept) {
  return caf::actor_cast<groups::group_handle>(sys.spawn(silent_group, std::move(kept)));
}

} // namespace

TEST_CASE("group facade: an operation the group never answers is unknown, not definite") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto kept = std::make_shared<promises>();
  auto handle = spawn_silent(sys, kept);
  group<kv::machine> g{sys, group_id::from("silent"), handle};
  kv::command put{kv::command::op::put, "k", "v", false, {}};
  auto executed = g.execute(put, 10ms);
  REQUIRE_FALSE(executed);
  CHECK(executed.error().code == groups::op_errc::timeout);
  CHECK_FALSE(executed.error().definite());
  auto fed = g.feed(put, 10ms);
  REQUIRE_FALSE(fed);
  CHECK(fed.error().code == groups::op_errc::timeout);
  auto queried = g.query("k", groups::consistency::strong, 10ms);
  REQUIRE_FALSE(queried);
  CHECK(queried.error().code == groups::op_errc::timeout);
  CHECK(kept->size() == 3);
  caf::anon_send_exit(handle, caf::exit_reason::user_shutdown);
}

TEST_CASE("group facade: a group actor that is gone is closed, a definite failure") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto handle = spawn_silent(sys, std::make_shared<promises>());
  caf::anon_send_exit(handle, caf::exit_reason::user_shutdown);
  group<kv::machine> g{sys, group_id::from("gone"), handle};
  // The exit is ahead of the request in the mailbox: the request bounces.
  auto executed = g.execute(kv::command{kv::command::op::put, "k", "v", false, {}}, 10ms);
  REQUIRE_FALSE(executed);
  CHECK(executed.error().code == groups::op_errc::closed);
  CHECK(executed.error().definite());
}
