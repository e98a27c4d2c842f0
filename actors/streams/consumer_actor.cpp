#include "actors/streams/consumer_actor.hpp"

#include "actors/logging/log.hpp"
#include "actors/node/node_api.hpp"
#include "actors/streams/consumer_state.hpp"
#include "actors/streams/stream_internal.hpp"
#include "actors/streams/watchers.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <algorithm>
#include <map>

namespace mosaik::streams {

namespace {

struct consumer_tick {};

millis now(consumer_actor* self) {
  return std::chrono::duration_cast<millis>(self->clock().now().time_since_epoch());
}

std::size_t connected(const consumer_engine& e) {
  auto channels = e.channels();
  return static_cast<std::size_t>(std::count_if(channels.begin(), channels.end(), [](const auto& c) {
    return c.state == channel_state::connected;
  }));
}

void notify_if_changed(consumer_actor* self) {
  auto& st = self->state;
  consumer_event e{st.stream, st.eng->online(), connected(*st.eng)};
  if (e.online == st.last_online && e.connected == st.last_connected)
    return;
  st.last_online = e.online;
  st.last_connected = e.connected;
  for (auto& w : st.watchers)
    self->send(w, e);
}

/// The earliest of the engine's next tick and the pulls' deadlines.
std::optional<millis> next_due(const consumer_state& st) {
  auto due = st.eng->next_tick();
  for (const auto& p : st.pulls)
    if (!due || p.deadline < *due)
      due = p.deadline;
  return due;
}

void arm_timer(consumer_actor* self) {
  auto& st = self->state;
  auto due = next_due(st);
  if (!due || (st.timer_at && *st.timer_at <= *due))
    return;
  st.timer_at = due;
  self->delayed_send(self, std::max(millis{0}, *due - now(self)), consumer_tick{});
}

void log_end(const consumer_state& st, const channel_end& e) {
  st.log->info("stream {}: channel to {} {} ({})", st.stream.short_hex(), e.producer.short_hex(),
               e.terminated ? "terminated" : "retries", e.code ? to_string(*e.code) : "no close code");
}

/// Carries out what the engine asked for.
void carry_out(consumer_actor* self) {
  auto& st = self->state;
  auto out = st.eng->take_output();
  for (auto& m : out.messages)
    self->send(st.router, consumer_send{m.to, st.stream, std::move(m.msg)});
  for (auto& d : out.deliveries)
    for (std::size_t k = 0; k < d.datums.size(); ++k)
      st.ready.push_back({d.producer, d.first_seq + k, std::move(d.datums[k])});
  st.gaps.insert(st.gaps.end(), out.gaps.begin(), out.gaps.end());
  for (const auto& p : out.rtt_probes)
    self->send(st.router, want_link{p});
  for (const auto& p : out.catalog_syncs)
    self->send(st.router, want_catalog_sync{p});
  for (const auto& e : out.ended)
    log_end(st, e);
  st.metrics->update(st.eng->counters(), connected(*st.eng));
  notify_if_changed(self);
}

/// What the application took from one producer: datums and their bytes.
struct taken {
  std::uint64_t datums = 0;
  std::uint64_t bytes = 0;
};
using taken_map = std::map<peer_id, taken>;

/// Takes at most `max` datums and every gap; `consumed` counts them per
/// producer, for the credit.
received take(consumer_state& st, std::size_t max, taken_map& consumed) {
  received out;
  while (!st.ready.empty() && out.datums.size() < std::max<std::size_t>(max, 1)) {
    auto& t = consumed[st.ready.front().producer];
    ++t.datums;
    t.bytes += st.ready.front().datum->size();
    out.datums.push_back(std::move(st.ready.front()));
    st.ready.pop_front();
  }
  out.gaps = std::exchange(st.gaps, {});
  return out;
}

void grant(consumer_actor* self, const taken_map& consumed) {
  for (const auto& [producer, t] : consumed)
    self->state.eng->consumed(producer, t.datums, t.bytes);
  carry_out(self);
}

bool has_news(const consumer_state& st) {
  return !st.ready.empty() || !st.gaps.empty();
}

void push_to_sink(consumer_actor* self);

/// Answers waiting pulls and feeds the sink with what arrived.
void serve(consumer_actor* self) {
  auto& st = self->state;
  taken_map consumed;
  while (!st.pulls.empty() && has_news(st)) {
    st.pulls.front().rp.deliver(take(st, st.pulls.front().max, consumed));
    st.pulls.pop_front();
  }
  if (!consumed.empty())
    grant(self, consumed);
  push_to_sink(self);
}

void push_to_sink(consumer_actor* self) {
  auto& st = self->state;
  if (!st.sink || st.sink_busy || !has_news(st))
    return;
  taken_map consumed;
  auto batch = take(st, st.sink_max, consumed);
  st.sink_busy = true;
  auto done = [self, consumed] {
    self->state.sink_busy = false;
    grant(self, consumed);
    serve(self);
  };
  self->request(st.sink, caf::infinite, stream_batch{st.stream, std::move(batch)})
    .then([done] { done(); },
          [self, done](caf::error& err) {
            if (err == caf::sec::request_receiver_down)
              self->state.sink = nullptr;
            done();
          });
}

/// After any input.
void step(consumer_actor* self) {
  carry_out(self);
  serve(self);
  arm_timer(self);
}

void expire_pulls(consumer_actor* self) {
  auto& st = self->state;
  auto t = now(self);
  for (auto i = st.pulls.begin(); i != st.pulls.end();) {
    if (i->deadline > t) {
      ++i;
      continue;
    }
    i->rp.deliver(received{});
    i = st.pulls.erase(i);
  }
}

caf::result<received> on_pull(consumer_actor* self, const next_batch& n) {
  auto& st = self->state;
  if (has_news(st)) {
    taken_map consumed;
    auto out = take(st, n.max, consumed);
    grant(self, consumed);
    arm_timer(self);
    return out;
  }
  if (st.pulls.size() >= consumer_state::max_pulls)
    return caf::make_error(caf::sec::invalid_argument, "too many waiting next_batch requests");
  auto rp = self->make_response_promise<received>();
  st.pulls.push_back({n.max, now(self) + n.timeout, rp});
  arm_timer(self);
  return rp;
}

consumer_info info_of(const consumer_state& st) {
  return {st.stream, st.eng->online(), st.eng->channels(), st.eng->counters()};
}

bool close(consumer_actor* self) {
  auto& st = self->state;
  st.eng->shutdown();
  carry_out(self);
  for (auto& p : st.pulls)
    p.rp.deliver(received{});
  st.pulls.clear();
  self->quit();
  return true;
}

caf::behavior behavior(consumer_actor* self) {
  self->set_down_handler([=](caf::down_msg& dm) { forget_watcher(self->state.watchers, dm); });
  return {
    [=](const stream_input& in) {
      self->state.eng->on_message(in.from, in.msg, now(self));
      step(self);
    },
    [=](const catalog_changed& c) {
      self->state.eng->on_catalog(*c.peers, now(self));
      step(self);
    },
    [=](const node::link_event& e) {
      if (!e.up) {
        self->state.eng->link_down(e.peer, now(self));
        step(self);
      }
    },
    [=](consumer_tick) {
      auto& st = self->state;
      st.timer_at.reset();
      st.eng->tick(now(self));
      expire_pulls(self);
      step(self);
    },
    [=](const next_batch& n) { return on_pull(self, n); },
    [=](const deliver_to& d) {
      self->state.sink = d.sink;
      self->state.sink_max = d.max;
      push_to_sink(self);
    },
    [=](get_consumer_info) { return info_of(self->state); },
    [=](const watch_consumer& w) {
      auto& st = self->state;
      self->monitor(w.subscriber);
      st.watchers.push_back(w.subscriber);
      self->send(w.subscriber, consumer_event{st.stream, st.eng->online(), connected(*st.eng)});
    },
    [=](close_consumer) { return close(self); },
  };
}

} // namespace

consumer_handle spawn_consumer(caf::local_actor* parent, consumer_spawn spawn) {
  // Arguments travel as shared pointers: CAF 0.17 binds a null reference for
  // spawns without arguments (see spawn_node).
  auto init = [](consumer_actor* self, caf::actor router, std::shared_ptr<consumer_spawn> s) {
    auto& st = self->state;
    st.log = log::get("streams");
    st.router = std::move(router);
    st.stream = s->setup.stream;
    st.metrics.emplace(s->metrics, st.stream);
    st.eng.emplace(consumer_config{s->network, s->setup.stream, s->self, s->setup.options,
                                   std::move(s->setup.require), std::move(s->setup.online_when),
                                   s->seed, s->setup.bugs});
    st.eng->on_catalog(*s->catalog, now(self));
    step(self);
    return behavior(self);
  };
  auto spawned = parent->spawn<caf::linked>(init, caf::actor_cast<caf::actor>(parent),
                                            std::make_shared<consumer_spawn>(std::move(spawn)));
  return caf::actor_cast<consumer_handle>(std::move(spawned)); // it also takes the router's messages
}

} // namespace mosaik::streams

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::consumer_tick)
