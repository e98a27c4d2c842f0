// The writers: each an event-based actor with one execute outstanding, a
// put of 256 B to a random key of 100k, timed from the request to its
// completion (committed and applied in the writers' node).
#include "apps/bench/group_bench.hpp"

#include "actors/groups/group.hpp"
#include "actors/codec/value_codec.hpp"
#include "apps/examples/kv/kv_machine.hpp"

#include <caf/event_based_actor.hpp>

#include <memory>
#include <random>

namespace mosaik::bench {

namespace {

struct writer_state {
  groups::group_handle group;
  window w;
  std::mt19937_64 rng;
  caf::actor report_to;
  writer_stats stats;
};

bytes random_put(std::mt19937_64& rng) {
  kv::command c;
  c.key = "key" + std::to_string(rng() % key_count);
  c.value.assign(value_bytes, 'v');
  return value_codec<kv::command>::encode(c);
}

void issue(caf::event_based_actor* self, std::shared_ptr<writer_state> st);

void finished(caf::event_based_actor* self, const std::shared_ptr<writer_state>& st,
              clock_type::time_point t0, groups::completion& c) {
  auto t1 = clock_type::now();
  if (auto done = executed_from<kv::machine>(c); !done) {
    ++st->stats.failed;
    st->stats.last_failure = std::string{groups::to_string(done.error().code)} + ": " + done.error().detail;
  } else if (t0 >= st->w.start && t1 < st->w.end) {
    st->stats.us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  if (t1 >= st->w.end) {
    self->send(st->report_to, std::move(st->stats));
    return self->quit();
  }
  issue(self, st);
}

void issue(caf::event_based_actor* self, std::shared_ptr<writer_state> st) {
  auto t0 = clock_type::now();
  groups::execute_op op{{random_put(st->rng)}, std::chrono::milliseconds{2000}};
  self->request(st->group, std::chrono::seconds{3}, std::move(op))
    .then([=](groups::completion& c) { finished(self, st, t0, c); },
          [=](caf::error& err) {
            groups::completion c = groups::failed{0, {groups::op_errc::closed, caf::to_string(err), {}}};
            finished(self, st, t0, c);
          });
}

} // namespace

caf::behavior writer(caf::event_based_actor* self, groups::group_handle group, window w,
                     std::uint64_t seed, caf::actor report_to) {
  auto st = std::make_shared<writer_state>(
    writer_state{std::move(group), w, std::mt19937_64{seed}, std::move(report_to), {}});
  return {[=](caf::atom_value) { issue(self, st); }};
}

} // namespace mosaik::bench
