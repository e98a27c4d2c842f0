#include "actors/streams/producer_actor.hpp"

#include "actors/core/check.hpp"
#include "actors/logging/log.hpp"
#include "actors/streams/producer_state.hpp"
#include "actors/streams/stream_internal.hpp"
#include "actors/streams/watchers.hpp"
#include "schemas/codec/streams_codec.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <algorithm>

namespace mosaik::streams {

namespace {

/// Queued behind the mailbox's datums: forms the batches.
struct producer_flush {};
/// Expires waiting publishes.
struct producer_tick {};

constexpr millis tick_interval{100};

millis now(producer_actor* self) {
  return std::chrono::duration_cast<millis>(self->clock().now().time_since_epoch());
}

void schedule_flush(producer_actor* self) {
  auto& st = self->state;
  if (st.flush_queued)
    return;
  st.flush_queued = true;
  self->send(self, producer_flush{});
}

producer_event event_of(const producer_state& st) {
  return {st.stream, st.eng->online(), st.eng->subscriptions()};
}

void notify(producer_actor* self) {
  auto& st = self->state;
  for (auto& w : st.watchers)
    self->send(w, event_of(st));
}

void log_end(producer_state& st, const subscription_end& e) {
  st.log->log(e.refused ? spdlog::level::debug : spdlog::level::info,
              "stream {}: subscription {} of {} {} ({}{})", st.stream.short_hex(), e.sub,
              e.consumer.short_hex(), e.refused ? "refused" : "ended", to_string(e.code),
              e.by_consumer ? ", by the consumer" : "");
}

std::size_t payload_of(const stream_message& m) {
  auto* b = std::get_if<batch>(&m);
  return b == nullptr ? 0 : b->payload_bytes();
}

/// While a confirmation is out, up to twice its spacing may go unconfirmed.
bool may_hand(const outbox& b) {
  if (b.blocked)
    return false;
  return !b.asking
         || (b.unconfirmed_frames < 2 * outbox::ask_every_frames
             && b.unconfirmed_bytes < 2 * outbox::ask_every_bytes);
}

bool time_to_ask(const outbox& b) {
  return !b.asking
         && (b.unconfirmed_frames >= outbox::ask_every_frames
             || b.unconfirmed_bytes >= outbox::ask_every_bytes);
}

void drain(producer_actor* self, const peer_id& to);

/// The node took everything up to the frame asked about; `over_cap` holds
/// the rest until link_writable.
void on_answer(producer_actor* self, const peer_id& to, std::uint64_t id, node::send_outcome out) {
  auto& boxes = self->state.outboxes;
  auto b = boxes.find(to);
  if (b == boxes.end() || b->second.id != id)
    return;
  if (out == node::send_outcome::not_linked)
    return (void) boxes.erase(b);
  MOSAIK_CHECK(out != node::send_outcome::full, "a past_cap frame to ", to.short_hex(), " was refused");
  auto& box = b->second;
  box.asking = false;
  box.unconfirmed_frames -= box.asked_frames;
  box.unconfirmed_bytes -= box.asked_bytes;
  if (out == node::send_outcome::over_cap) {
    ++self->state.outbox_totals.refused;
    box.blocked = true;
    return;
  }
  drain(self, to);
}

void ask(producer_actor* self, const peer_id& to, outbox& box, bytes frame) {
  auto& st = self->state;
  box.asking = true;
  box.asked_frames = box.unconfirmed_frames;
  box.asked_bytes = box.unconfirmed_bytes;
  auto id = box.id;
  self->request(st.node, caf::infinite,
                node::try_send_frame{to, wire::frame_kind::stream, st.stream.as_digest(), std::move(frame), true})
    .then([=](node::send_outcome out) { on_answer(self, to, id, out); },
          [=](caf::error&) {
            auto& boxes = self->state.outboxes;
            if (auto b = boxes.find(to); b != boxes.end() && b->second.id == id)
              boxes.erase(b);
          });
}

/// Hands `to`'s messages to the node as far as may_hand allows: fire and
/// forget, every so often one that asks. A lost link drops the outbox (the
/// engine ends its subscriptions on link_down).
void drain(producer_actor* self, const peer_id& to) {
  auto& st = self->state;
  auto b = st.outboxes.find(to);
  if (b == st.outboxes.end())
    return;
  auto& box = b->second;
  while (!box.messages.empty() && may_hand(box)) {
    auto frame = codec::encode_stream_message(box.messages.front());
    box.bytes -= payload_of(box.messages.front());
    box.messages.pop_front();
    ++box.unconfirmed_frames;
    box.unconfirmed_bytes += frame.size();
    if (time_to_ask(box))
      ask(self, to, box, std::move(frame));
    else
      self->send(st.node, node::send_frame{to, wire::frame_kind::stream, st.stream.as_digest(),
                                           std::move(frame), true});
  }
}

/// Before the actor quits: what the outboxes hold goes fire and forget.
void send_outboxes(producer_actor* self) {
  auto& st = self->state;
  for (auto& [to, box] : st.outboxes)
    for (const auto& m : box.messages)
      self->send(st.node, node::send_frame{to, wire::frame_kind::stream, st.stream.as_digest(),
                                           codec::encode_stream_message(m), true});
  st.outboxes.clear();
}

/// Sends the waiting undelivered datums to the sink, if it is not busy.
void feed_sink(producer_actor* self) {
  auto& q = self->state.undelivered;
  if (!q.sink || q.busy || (q.datums.empty() && q.dropped_since_last == 0))
    return;
  undelivered_batch b{self->state.stream, {q.datums.begin(), q.datums.end()}, q.dropped_since_last};
  q.datums.clear();
  q.bytes = 0;
  q.dropped_since_last = 0;
  q.busy = true;
  self->request(q.sink, caf::infinite, std::move(b))
    .then(
      [self] {
        self->state.undelivered.busy = false;
        feed_sink(self);
      },
      [self](caf::error& err) {
        // Any answer lets the next go; a sink gone lets later ones go
        // (counted as dropped).
        auto& q = self->state.undelivered;
        q.busy = false;
        if (err == caf::sec::request_receiver_down) {
          q.sink = nullptr;
          q.dropped += q.datums.size();
          q.datums.clear();
          q.bytes = 0;
        } else
          feed_sink(self);
      });
}

/// Queues undelivered datums for the sink, bounded like a subscription's
/// queue: the oldest go first.
void keep_undelivered(producer_actor* self, std::vector<shared_datum>& datums) {
  auto& st = self->state;
  auto& q = st.undelivered;
  const auto& o = st.eng->config().options;
  for (auto& d : datums) {
    if (!q.sink) {
      ++q.dropped;
      continue;
    }
    q.bytes += d->size();
    q.datums.push_back(std::move(d));
    while (q.datums.size() > o.buffer_size || (q.datums.size() > 1 && q.bytes > o.buffer_bytes)) {
      q.bytes -= q.datums.front()->size();
      q.datums.pop_front();
      ++q.dropped_since_last;
      ++q.dropped;
    }
  }
  feed_sink(self);
}

/// Sends what the engine asked for, tells watchers of changes.
void carry_out(producer_actor* self) {
  auto& st = self->state;
  auto out = st.eng->take_output();
  for (auto& m : out.messages) {
    auto [box, fresh] = st.outboxes.try_emplace(m.to);
    if (fresh)
      box->second.id = ++st.next_outbox_id;
    box->second.bytes += payload_of(m.msg);
    box->second.messages.push_back(std::move(m.msg));
    auto& peak = st.outbox_totals;
    peak.peak_messages = std::max(peak.peak_messages, box->second.messages.size());
    peak.peak_bytes = std::max(peak.peak_bytes, box->second.bytes);
  }
  if (!out.undelivered.empty())
    keep_undelivered(self, out.undelivered);
  for (const auto& m : out.messages)
    drain(self, m.to);
  for (const auto& e : out.ended)
    log_end(st, e);
  if (!out.online_edges.empty() || !out.ended.empty())
    notify(self);
  st.metrics->update(st.eng->counters(), st.eng->subscriptions());
}

void pop_waiting(producer_state& st) {
  st.waiting_bytes -= st.waiting.front().datum->size();
  st.waiting.pop_front();
}

/// Sends waiting publishes, in order, while the stream takes them.
void retry_waiting(producer_actor* self) {
  auto& st = self->state;
  while (!st.waiting.empty()) {
    auto& w = st.waiting.front();
    auto out = st.eng->try_send(w.datum);
    if (out.status == send_status::offline || out.status == send_status::full)
      return;
    w.rp.deliver(publish_result{out.status, out.seq, out.returned});
    pop_waiting(st);
  }
}

/// A waiting publish past its deadline fails with what holds it back.
void expire_waiting(producer_actor* self) {
  auto& st = self->state;
  auto t = now(self);
  while (!st.waiting.empty() && st.waiting.front().deadline <= t) {
    auto& w = st.waiting.front();
    auto status = st.eng->online() ? send_status::full : send_status::offline;
    w.rp.deliver(publish_result{status, 0, w.datum});
    pop_waiting(st);
  }
}

void arm_timer(producer_actor* self) {
  auto& st = self->state;
  if (st.timer_armed || st.waiting.empty())
    return;
  st.timer_armed = true;
  self->delayed_send(self, tick_interval, producer_tick{});
}

/// After any input: what it unblocked, then batches at the mailbox's end.
void changed(producer_actor* self) {
  retry_waiting(self);
  schedule_flush(self);
  arm_timer(self);
}

caf::result<publish_result> on_publish(producer_actor* self, publish& p) {
  auto& st = self->state;
  if (!p.datum)
    return publish_result{send_status::too_large, 0, {}};
  if (!p.wait || st.waiting.empty()) {
    auto out = st.eng->try_send(p.datum);
    bool waits = p.wait && (out.status == send_status::offline || out.status == send_status::full);
    if (!waits) {
      schedule_flush(self);
      return publish_result{out.status, out.seq, out.returned};
    }
  }
  // Waiting publishes are the producer's input queue: bounded in number
  // and, like a subscription's queue, in bytes (the first always waits).
  auto size = p.datum->size();
  if (st.waiting.size() >= producer_state::max_waiting
      || (!st.waiting.empty() && st.waiting_bytes + size > st.eng->config().options.buffer_bytes))
    return publish_result{send_status::full, 0, std::move(p.datum)};
  auto rp = self->make_response_promise<publish_result>();
  st.waiting_bytes += size;
  st.waiting.push_back({std::move(p.datum), now(self) + p.timeout, rp});
  arm_timer(self);
  return rp;
}

publish_many_result on_publish_many(producer_actor* self, publish_many& p) {
  auto& st = self->state;
  publish_many_result r;
  if (!st.waiting.empty())
    r.status = send_status::full; // the waiting ones go first
  while (r.status == send_status::sent && r.sent < p.datums.size()) {
    auto out = p.datums[r.sent] ? st.eng->try_send(p.datums[r.sent]) : send_outcome{send_status::too_large, {}, 0};
    if (out.status != send_status::sent) {
      r.status = out.status;
      break;
    }
    if (r.sent++ == 0)
      r.first_seq = out.seq;
  }
  r.returned.assign(std::make_move_iterator(p.datums.begin() + static_cast<std::ptrdiff_t>(r.sent)),
                    std::make_move_iterator(p.datums.end()));
  if (r.sent > 0)
    schedule_flush(self);
  return r;
}

void on_catalog(producer_actor* self, const catalog_changed& c) {
  auto& st = self->state;
  st.catalog.clear();
  for (const auto& p : *c.peers)
    st.catalog.emplace(p.entry.peer(), p);
  st.eng->on_catalog(*c.peers);
  changed(self);
}

void on_input(producer_actor* self, const stream_input& in) {
  auto& st = self->state;
  st.eng->on_message(in.from, in.peer, in.msg, now(self));
  changed(self);
}

producer_info info_of(const producer_state& st) {
  return {st.stream, st.eng->online(), st.eng->consumers(), st.eng->counters(), st.outbox_totals,
          st.undelivered.dropped};
}

bool close(producer_actor* self) {
  auto& st = self->state;
  st.eng->shutdown();
  retry_waiting(self); // every waiting publish now answers `closed`
  carry_out(self);
  send_outboxes(self);
  self->quit();
  return true;
}

caf::behavior behavior(producer_actor* self) {
  self->set_down_handler([=](caf::down_msg& dm) { forget_watcher(self->state.watchers, dm); });
  return {
    [=](const stream_input& in) { on_input(self, in); },
    [=](const catalog_changed& c) { on_catalog(self, c); },
    [=](const node::link_event& e) {
      if (!e.up) {
        self->state.outboxes.erase(e.peer);
        self->state.eng->link_down(e.peer);
        changed(self);
      }
    },
    [=](const node::link_writable& w) {
      auto box = self->state.outboxes.find(w.peer);
      if (box != self->state.outboxes.end() && box->second.blocked) {
        box->second.blocked = false;
        drain(self, w.peer);
      }
    },
    [=](publish& p) { return on_publish(self, p); },
    [=](publish_many& p) { return on_publish_many(self, p); },
    [=](producer_flush) {
      self->state.flush_queued = false;
      carry_out(self);
    },
    [=](producer_tick) {
      self->state.timer_armed = false;
      expire_waiting(self);
      arm_timer(self);
    },
    [=](get_producer_info) { return info_of(self->state); },
    [=](const watch_producer& w) {
      self->monitor(w.subscriber);
      self->state.watchers.push_back(w.subscriber);
      self->send(w.subscriber, event_of(self->state));
    },
    [=](close_producer) { return close(self); },
  };
}

} // namespace

producer_handle spawn_producer(caf::local_actor* parent, node::node_handle node, producer_spawn spawn) {
  // Arguments travel as shared pointers: CAF 0.17 binds a null reference for
  // spawns without arguments (see spawn_node).
  auto init = [](producer_actor* self, node::node_handle node, std::shared_ptr<producer_spawn> s) {
    auto& st = self->state;
    st.log = log::get("streams");
    st.node = std::move(node);
    st.stream = s->setup.stream;
    st.metrics.emplace(s->metrics, st.stream);
    st.undelivered.sink = s->setup.undelivered;
    st.eng.emplace(producer_config{s->network, s->setup.stream, s->setup.options,
                                   std::move(s->setup.require), std::move(s->setup.online_when),
                                   s->epoch, st.undelivered.sink != nullptr});
    on_catalog(self, catalog_changed{s->catalog});
    return behavior(self);
  };
  auto spawned = parent->spawn<caf::linked>(init, std::move(node),
                                            std::make_shared<producer_spawn>(std::move(spawn)));
  return caf::actor_cast<producer_handle>(std::move(spawned)); // it also takes the router's messages
}

} // namespace mosaik::streams

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::producer_flush)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::producer_tick)
