// The publisher of mosaik_bench_stream: datums in publish_many messages of
// `chunk`, `window` datums outstanding, each a fresh copy of the datum (as
// an application encodes each one). What a full stream hands back waits
// in the producer for room: its first datum as a publish with `wait`, the
// rest in one publish_many once that went.
#include "apps/bench/stream_bench_mosaik.hpp"

#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>

#include <algorithm>
#include <memory>

namespace mosaik::bench {

namespace {

using namespace std::chrono_literals;

constexpr std::size_t chunk = 64;
constexpr std::size_t window = 256;
/// Paced: fewer outstanding. A subscription's queue above pause_above
/// pauses the publisher, below resume_below it resumes; checked every
/// check_every datums, and the publishes already in the producer's mailbox
/// go in after a check, so a queue grows past pause_above by at most
/// 2 * paced_window + check_every, within its buffer_size.
constexpr std::size_t paced_window = 64;
constexpr std::size_t pause_above = bench_stream.producer.buffer_size / 4;
constexpr std::size_t resume_below = bench_stream.producer.buffer_size / 8;
constexpr std::uint64_t check_every = 32;
static_assert(pause_above + 2 * paced_window + check_every < bench_stream.producer.buffer_size);

struct publisher_state {
  streams::producer_handle producer;
  bytes datum;
  bool pace = false;
  std::size_t in_flight = 0; // datums
  std::uint64_t sent_since_check = 0;
  bool checking = false;
  bool paused = false;
};

using state_ptr = std::shared_ptr<publisher_state>;

void fill(caf::event_based_actor* self, const state_ptr& st);
void check_queues(caf::event_based_actor* self, const state_ptr& st);

void fail(caf::event_based_actor* self, streams::send_status s) {
  self->quit(caf::make_error(caf::sec::runtime_error, std::string{to_string(s)}));
}

bool retried(streams::send_status s) {
  return s == streams::send_status::full || s == streams::send_status::offline;
}

void sent(caf::event_based_actor* self, const state_ptr& st, std::size_t n) {
  st->in_flight -= n;
  st->sent_since_check += n;
  if (st->pace && st->sent_since_check >= check_every)
    check_queues(self, st);
  fill(self, st);
}

void publish_datums(caf::event_based_actor* self, const state_ptr& st, std::vector<streams::shared_datum> datums);

/// What a full stream handed back: the first waits in the producer for
/// room, the rest follow in one publish_many once it went.
void publish_rest(caf::event_based_actor* self, const state_ptr& st, std::vector<streams::shared_datum> rest) {
  auto first = std::move(rest.front());
  rest.erase(rest.begin());
  self->request(st->producer, caf::infinite, streams::publish{std::move(first), true, 1000ms})
    .then(
      [=, rest = std::move(rest)](streams::publish_result& r) {
        auto more = rest;
        if (retried(r.status)) {
          more.insert(more.begin(), std::move(r.returned));
          return publish_rest(self, st, std::move(more));
        }
        if (r.status != streams::send_status::sent)
          return fail(self, r.status);
        sent(self, st, 1);
        if (!more.empty())
          publish_datums(self, st, std::move(more));
      },
      [=](caf::error& err) { self->quit(err); });
}

void publish_datums(caf::event_based_actor* self, const state_ptr& st, std::vector<streams::shared_datum> datums) {
  self->request(st->producer, caf::infinite, streams::publish_many{std::move(datums)})
    .then(
      [=](streams::publish_many_result& r) {
        if (r.status != streams::send_status::sent && !retried(r.status))
          return fail(self, r.status);
        if (!r.returned.empty())
          publish_rest(self, st, std::move(r.returned));
        sent(self, st, r.sent);
      },
      [=](caf::error& err) { self->quit(err); });
}

void publish_chunk(caf::event_based_actor* self, const state_ptr& st, std::size_t n) {
  std::vector<streams::shared_datum> datums;
  for (std::size_t k = 0; k < n; ++k)
    datums.push_back(streams::make_datum(st->datum));
  st->in_flight += n;
  publish_datums(self, st, std::move(datums));
}

/// Whole chunks only: topping the window up datum by datum as each is
/// sent made hundreds of one-datum requests outstanding (and CAF's lookup
/// of a response among them linear).
void fill(caf::event_based_actor* self, const state_ptr& st) {
  auto limit = st->pace ? paced_window : window;
  auto n = std::min(chunk, limit / 2);
  while (!st->paused && st->in_flight + n <= limit)
    publish_chunk(self, st, n);
}

void check_queues(caf::event_based_actor* self, const state_ptr& st) {
  if (st->checking)
    return;
  st->checking = true;
  st->sent_since_check = 0;
  self->request(st->producer, caf::infinite, streams::get_producer_info{})
    .then(
      [=](const streams::producer_info& info) {
        st->checking = false;
        std::size_t deepest = 0;
        for (const auto& c : info.channels)
          deepest = std::max(deepest, c.queued);
        st->paused = deepest > (st->paused ? resume_below : pause_above);
        if (st->paused)
          self->delayed_send(self, 1ms, caf::atom("check"));
        else
          fill(self, st);
      },
      [=](caf::error& err) { self->quit(err); });
}

} // namespace

caf::behavior publisher(caf::event_based_actor* self, streams::producer_handle producer, bytes datum,
                        bool pace) {
  auto st = std::make_shared<publisher_state>();
  st->producer = std::move(producer);
  st->datum = std::move(datum);
  st->pace = pace;
  return {[=](caf::atom_value a) {
    if (a == caf::atom("check"))
      return check_queues(self, st);
    fill(self, st);
  }};
}

} // namespace mosaik::bench
