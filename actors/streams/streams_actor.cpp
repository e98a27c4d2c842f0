#include "actors/streams/streams_actor.hpp"

#include "actors/logging/log.hpp"
#include "actors/streams/consumer_actor.hpp"
#include "actors/streams/producer_actor.hpp"
#include "actors/streams/stream_internal.hpp"
#include "actors/streams/streams_state.hpp"
#include "schemas/codec/streams_codec.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <random>
#include <type_traits>

namespace mosaik::streams {

namespace {

using self_pointer = streams_actor*;

void count_active(self_pointer self) {
  auto& st = self->state;
  st.setup.metrics->gauge("mosaik.streams.producers.active").set(static_cast<double>(st.producers.size()));
  st.setup.metrics->gauge("mosaik.streams.consumers.active").set(static_cast<double>(st.consumers.size()));
}

std::uint64_t draw_seed(self_pointer self) {
  auto& st = self->state;
  return std::mt19937_64{st.setup.seed ^ ++st.next_seed}();
}

// -- catalog ---------------------------------------------------------------------------

template <class Message>
void to_every_engine(self_pointer self, const Message& m) {
  auto& st = self->state;
  for (auto& [id, p] : st.producers)
    self->send(p, m);
  for (const auto& c : st.consumers)
    self->send(c, m);
}

void refresh_catalog(self_pointer self) {
  auto& st = self->state;
  if (!st.discovery)
    return;
  if (st.catalog_requested) {
    st.catalog_stale = true;
    return;
  }
  st.catalog_requested = true;
  self->request(st.discovery, caf::infinite, discovery::get_catalog{})
    .then(
      [=](const discovery::catalog_snapshot& snap) {
        auto& st = self->state;
        auto peers = std::make_shared<std::vector<peer_description>>();
        for (const auto& p : snap.peers)
          if (p.is_signed)
            peers->push_back(p);
        st.catalog = std::move(peers);
        st.catalog_requested = false;
        to_every_engine(self, catalog_changed{st.catalog});
        if (std::exchange(st.catalog_stale, false))
          refresh_catalog(self);
      },
      [=](caf::error&) { self->state.catalog_requested = false; });
}

const peer_description* catalog_entry(const streams_state& st, const peer_id& peer) {
  for (const auto& p : *st.catalog)
    if (p.entry.peer() == peer)
      return &p;
  return nullptr;
}

// -- links -----------------------------------------------------------------------------

/// Dials `peer` where its catalog entry says it listens.
void dial(self_pointer self, const peer_id& peer) {
  auto& st = self->state;
  if (st.links.count(peer) > 0)
    return;
  if (const auto* e = catalog_entry(st, peer))
    for (const auto& address : e->entry.addresses())
      self->send(st.node, node::dial{{peer, address}, false});
}

bool has_route_to(const streams_state& st, const peer_id& peer) {
  auto i = st.routes.lower_bound({peer, 0});
  return i != st.routes.end() && i->first.first == peer;
}

void hold(self_pointer self, const peer_id& peer, bool on) {
  auto& st = self->state;
  self->send(st.node, node::hold_link{peer, caf::actor_cast<caf::actor>(self), on});
}

void send_frame(self_pointer self, const peer_id& to, const stream_id& stream, bytes payload) {
  auto& st = self->state;
  self->send(st.node, node::send_frame{to, wire::frame_kind::stream, stream.as_digest(), std::move(payload)});
}

/// Sends a consumer's message, or parks it until the link is up.
void send_or_park(self_pointer self, const peer_id& to, const stream_id& stream, bytes payload) {
  auto& st = self->state;
  if (st.links.count(to) > 0)
    return send_frame(self, to, stream, std::move(payload));
  auto& parked = st.parked[to];
  if (parked.size() < st.setup.cfg.max_parked_per_peer)
    parked.emplace_back(stream, std::move(payload)); // beyond: the engine's handshake timeout retries
  dial(self, to);
}

void on_link(self_pointer self, const node::link_event& e) {
  auto& st = self->state;
  if (e.up) {
    st.links.insert(e.peer);
    auto parked = st.parked.extract(e.peer);
    if (!parked.empty())
      for (auto& [stream, payload] : parked.mapped())
        send_frame(self, e.peer, stream, std::move(payload));
    return;
  }
  st.links.erase(e.peer);
  st.parked.erase(e.peer);
  // Its subscriptions died with the link; retries draw new ids.
  auto first = st.routes.lower_bound({e.peer, 0});
  auto last = first;
  while (last != st.routes.end() && last->first.first == e.peer)
    ++last;
  if (first != last) {
    st.routes.erase(first, last);
    hold(self, e.peer, false);
  }
  to_every_engine(self, e);
}

// -- routing ---------------------------------------------------------------------------

subscription_id subscription_of(const stream_message& m) {
  return std::visit([](const auto& x) { return x.sub; }, m);
}

void add_route(self_pointer self, const peer_id& to, subscription_id sub, const caf::actor& consumer) {
  auto& st = self->state;
  if (!has_route_to(st, to))
    hold(self, to, true);
  st.routes[{to, sub}] = consumer;
}

void drop_route(self_pointer self, const peer_id& to, subscription_id sub) {
  auto& st = self->state;
  if (st.routes.erase({to, sub}) > 0 && !has_route_to(st, to))
    hold(self, to, false);
}

void on_consumer_send(self_pointer self, const consumer_send& s) {
  auto sub = subscription_of(s.msg);
  if (std::holds_alternative<subscribe>(s.msg))
    add_route(self, s.to, sub, caf::actor_cast<caf::actor>(self->current_sender()));
  else if (std::holds_alternative<unsubscribe>(s.msg))
    drop_route(self, s.to, sub);
  send_or_park(self, s.to, s.stream, codec::encode_stream_message(s.msg));
}

/// A message for the stream's producer here; a subscribe for a stream this
/// node does not produce is refused.
caf::result<void> route_to_producer(self_pointer self, const peer_id& from, const stream_id& stream,
                              stream_message msg) {
  auto& st = self->state;
  auto p = st.producers.find(stream);
  if (p == st.producers.end()) {
    if (const auto* s = std::get_if<subscribe>(&msg))
      send_frame(self, from, stream,
                 codec::encode_stream_message(
                   stream_close{s->sub, close_code::stream_not_found, "this node does not produce the stream"}));
    return {};
  }
  std::optional<peer_description> peer;
  if (std::holds_alternative<subscribe>(msg))
    if (const auto* e = catalog_entry(st, from))
      peer = *e;
  auto rp = self->make_response_promise();
  rp.delegate(p->second, stream_input{from, std::move(msg), std::move(peer)});
  return rp;
}

/// A message for the consumer that owns the subscription; the producer of
/// a subscription nobody here owns is told to end it.
caf::result<void> route_to_consumer(self_pointer self, const peer_id& from, const stream_id& stream,
                              stream_message msg) {
  auto& st = self->state;
  auto sub = subscription_of(msg);
  auto route = st.routes.find({from, sub});
  if (route == st.routes.end()) {
    if (!std::holds_alternative<stream_close>(msg))
      send_frame(self, from, stream,
                 codec::encode_stream_message(unsubscribe{sub, close_code::cancelled, "no such subscription"}));
    return {};
  }
  auto consumer = route->second;
  if (std::holds_alternative<stream_close>(msg))
    drop_route(self, from, sub);
  auto rp = self->make_response_promise();
  rp.delegate(consumer, stream_input{from, std::move(msg), std::nullopt});
  return rp;
}

caf::result<void> on_frame(self_pointer self, const node::frame_received& f) {
  auto& st = self->state;
  auto msg = codec::decode_stream_message({f.payload.data(), f.payload.size()});
  if (!msg || !f.channel) {
    st.setup.metrics->counter("mosaik.streams.frames.malformed").inc();
    st.log->debug("undecodable stream frame from {}: {}", f.from.short_hex(),
                  msg ? "no channel" : msg.error().detail);
    return {};
  }
  stream_id stream{*f.channel};
  if (to_producer(*msg))
    return route_to_producer(self, f.from, stream, std::move(*msg));
  return route_to_consumer(self, f.from, stream, std::move(*msg));
}

// -- producers and consumers -------------------------------------------------------------

void advertise(self_pointer self, const stream_id& id, bool on) {
  auto& st = self->state;
  if (!st.discovery)
    return;
  self->request(st.discovery, caf::infinite, discovery::advertise_stream{id, on})
    .then([](bool) {}, [=](caf::error& err) {
      self->state.log->warn("stream {}: discovery refused to {} it: {}", id.short_hex(),
                            on ? "advertise" : "withdraw", self->system().render(err));
    });
}

caf::result<producer_handle> open(self_pointer self, open_producer& o) {
  auto& st = self->state;
  auto id = o.setup.stream;
  if (auto p = st.producers.find(id); p != st.producers.end())
    return caf::actor_cast<producer_handle>(p->second);
  if (st.producers.size() >= st.setup.cfg.max_producers)
    return caf::make_error(caf::sec::invalid_argument,
                           "this node produces " + std::to_string(st.producers.size()) + " streams already");
  auto handle = spawn_producer(self, st.node,
                               {std::move(o.setup), st.setup.network, draw_seed(self), st.setup.metrics, st.catalog});
  auto actor = caf::actor_cast<caf::actor>(handle);
  self->monitor(actor);
  st.producers.emplace(id, actor);
  st.log->info("producing stream {}", id.short_hex());
  advertise(self, id, true);
  count_active(self);
  return handle;
}

caf::result<consumer_handle> open(self_pointer self, open_consumer& o) {
  auto& st = self->state;
  if (st.consumers.size() >= st.setup.cfg.max_consumers)
    return caf::make_error(caf::sec::invalid_argument,
                           "this node runs " + std::to_string(st.consumers.size()) + " consumers already");
  auto handle = spawn_consumer(self, {std::move(o.setup), st.setup.network, st.setup.self, draw_seed(self),
                                      st.setup.metrics, st.catalog});
  auto actor = caf::actor_cast<caf::actor>(handle);
  self->monitor(actor);
  st.consumers.insert(actor);
  count_active(self);
  return handle;
}

void on_down(self_pointer self, const caf::down_msg& dm) {
  auto& st = self->state;
  for (auto i = st.producers.begin(); i != st.producers.end(); ++i)
    if (i->second.address() == dm.source) {
      advertise(self, i->first, false);
      st.producers.erase(i);
      return count_active(self);
    }
  for (auto i = st.routes.begin(); i != st.routes.end();)
    i = i->second.address() == dm.source ? st.routes.erase(i) : std::next(i);
  for (auto i = st.consumers.begin(); i != st.consumers.end(); ++i)
    if (i->address() == dm.source) {
      st.consumers.erase(i);
      return count_active(self);
    }
}

/// Every producer closes and every consumer unsubscribes; answers once all did.
caf::result<bool> depart_all(self_pointer self) {
  auto& st = self->state;
  auto rp = self->make_response_promise<bool>();
  auto left = std::make_shared<std::size_t>(st.producers.size() + st.consumers.size());
  if (*left == 0) {
    rp.deliver(true);
    return rp;
  }
  auto one_done = [rp, left]() mutable {
    if (--*left == 0)
      rp.deliver(true);
  };
  auto ask = [&](const caf::actor& a, auto close) {
    self->request(a, std::chrono::seconds{2}, close)
      .then([one_done](bool) mutable { one_done(); }, [one_done](caf::error&) mutable { one_done(); });
  };
  for (auto& [id, p] : st.producers)
    ask(p, close_producer{});
  for (const auto& c : st.consumers)
    ask(c, close_consumer{});
  return rp;
}

wire::stream_status status_of(const producer_info& info) {
  wire::stream_status s{info.stream, true, info.online, {}};
  for (const auto& c : info.channels)
    s.channels.push_back({c.consumer, "connected", c.stats.datums, c.stats.bytes});
  return s;
}

wire::stream_status status_of(const consumer_info& info) {
  wire::stream_status s{info.stream, false, info.online, {}};
  for (const auto& c : info.channels)
    s.channels.push_back({c.producer, std::string{to_string(c.state)}, c.stats.datums, c.stats.bytes});
  return s;
}

/// Every producer's and consumer's line of the status; one that does not
/// answer within a second is left out.
caf::result<node::status_part> contribute(self_pointer self) {
  auto& st = self->state;
  auto rp = self->make_response_promise<node::status_part>();
  auto part = std::make_shared<node::status_part>();
  auto left = std::make_shared<std::size_t>(st.producers.size() + st.consumers.size());
  if (*left == 0) {
    rp.deliver(node::status_part{});
    return rp;
  }
  auto one_done = [rp, part, left]() mutable {
    if (--*left == 0)
      rp.deliver(std::move(*part));
  };
  auto ask = [&](const caf::actor& a, auto question, auto answer_type) {
    using info = typename decltype(answer_type)::type;
    self->request(a, std::chrono::seconds{1}, question)
      .then([part, one_done](const info& i) mutable {
              part->streams.push_back(status_of(i));
              one_done();
            },
            [one_done](caf::error&) mutable { one_done(); });
  };
  for (auto& [id, p] : st.producers)
    ask(p, get_producer_info{}, std::type_identity<producer_info>{});
  for (const auto& c : st.consumers)
    ask(c, get_consumer_info{}, std::type_identity<consumer_info>{});
  return rp;
}

caf::behavior behavior(self_pointer self) {
  self->set_down_handler([=](caf::down_msg& dm) { on_down(self, dm); });
  return {
    [=](const node::frame_received& f) { return on_frame(self, f); },
    [=](const node::link_event& e) { on_link(self, e); },
    [=](const node::link_writable& w) {
      for (auto& [id, p] : self->state.producers) // an outbox may wait for it
        self->send(p, w);
    },
    [=](const node::link_rtt& r) {
      // A consumer decides on a producer once its entry has an RTT, which
      // changes no entry: look again when the first sample is in.
      const auto* e = catalog_entry(self->state, r.peer);
      if (e && !e->rtt && !e->entry.streams().empty())
        refresh_catalog(self);
    },
    [=](const consumer_send& s) { on_consumer_send(self, s); },
    [=](const want_link& w) { dial(self, w.peer); },
    [=](const want_catalog_sync& w) {
      if (self->state.discovery)
        self->request(self->state.discovery, caf::infinite, discovery::sync_with{w.peer})
          .then([](bool) {}, [](caf::error&) {});
    },
    [=](const discovery::discovery_events&) { refresh_catalog(self); },
    [=](const use_discovery& u) {
      auto& st = self->state;
      st.discovery = u.discovery;
      for (const auto& [id, p] : st.producers)
        advertise(self, id, true);
      refresh_catalog(self);
    },
    [=](open_producer& o) { return open(self, o); },
    [=](open_consumer& o) { return open(self, o); },
    [=](node::depart) { return depart_all(self); },
    [=](node::contribute_status) { return contribute(self); },
  };
}

} // namespace

streams_handle spawn_streams(caf::local_actor* parent, node::node_handle node, streams_setup setup) {
  auto init = [](self_pointer self, node::node_handle node, std::shared_ptr<streams_setup> setup) {
    auto& st = self->state;
    st.log = log::get("streams");
    st.setup = std::move(*setup);
    st.node = std::move(node);
    count_active(self);
    auto me = caf::actor_cast<caf::actor>(self);
    self->send(st.node, node::register_handler{wire::frame_kind::stream, std::nullopt, me});
    return behavior(self);
  };
  auto spawned = parent->spawn<caf::linked>(init, std::move(node),
                                            std::make_shared<streams_setup>(std::move(setup)));
  return caf::actor_cast<streams_handle>(std::move(spawned)); // it also takes node and discovery events
}

} // namespace mosaik::streams
