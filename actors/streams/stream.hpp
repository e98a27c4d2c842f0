#pragma once
// mosaik::producer<T> and mosaik::consumer<T> -- the blocking facade of a
// stream for main(), tools and tests on real time (DESIGN section 9). Under
// CAF's test coordinator use the typed handles (actor()) instead: a
// blocking call there would wait for a clock nobody advances.
//
//   auto ticks = net.produce<tick>(10s).value();        // producer<tick>
//   ticks.when_online(5s);                              // also when_offline, when_subscribed(n),
//                                                       // when_unsubscribed, is_online
//   if (auto sent = ticks.send(t, 1s); !sent) ...;      // waits for online and room
//   auto in = net.consume<tick>(10s).value();           // consumer<tick>
//   auto got = in.recv(1s);                 // expected<consumer<tick>::batch, stream_error>
//
// Every call takes a timeout, returns an expected and never hangs. Copies
// name the same actor; dropping one does not close it (close() does).

#include "actors/codec/value_codec.hpp"
#include "actors/core/expected.hpp"
#include "actors/streams/consumer_api.hpp"
#include "actors/streams/producer_api.hpp"

#include <caf/actor_system.hpp>
#include <caf/after.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/sec.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace mosaik {

enum class stream_errc : std::uint8_t {
  offline,   // online_when is not met
  full,      // no subscription has room
  closed,    // the producer or consumer is closed
  too_large, // over the datum size limit
  timeout,   // no answer within the timeout
};

struct stream_error {
  stream_errc code = stream_errc::timeout;
  std::string detail;
};

inline stream_errc errc_of(streams::send_status s) {
  switch (s) {
    case streams::send_status::offline: return stream_errc::offline;
    case streams::send_status::full: return stream_errc::full;
    case streams::send_status::closed: return stream_errc::closed;
    default: return stream_errc::too_large;
  }
}

namespace streams::detail {

inline std::chrono::milliseconds ms(caf::timespan t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t);
}

inline stream_error failure(caf::actor_system& sys, const caf::error& err) {
  if (err == caf::sec::request_timeout)
    return {stream_errc::timeout, "no answer in time"};
  return {stream_errc::closed, sys.render(err)};
}

/// Waits for an event of type E on `watch` that satisfies `pred`.
template <class E, class Watch, class Handle, class Pred>
expected<E, stream_error> when(caf::actor_system& sys, const Handle& h, Pred pred, caf::timespan timeout) {
  caf::scoped_actor self{sys};
  self->send(h, Watch{caf::actor_cast<caf::actor>(self)});
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= caf::timespan::zero())
      return unexpected{stream_error{stream_errc::timeout, "the condition did not hold in time"}};
    std::optional<E> seen;
    self->receive([&](E& e) { seen = std::move(e); },
                  caf::after(std::chrono::duration_cast<caf::timespan>(left)) >> [] {});
    if (seen && pred(*seen))
      return *seen;
  }
}

} // namespace streams::detail

template <class T>
class producer {
public:
  producer(caf::actor_system& sys, streams::producer_handle h) : sys_(&sys), handle_(std::move(h)) {}

  const streams::producer_handle& actor() const { return handle_; }

  /// Waits for online_when and for room, up to `timeout`; the datum's
  /// sequence number.
  expected<std::uint64_t, stream_error> send(const T& value, caf::timespan timeout) const {
    return publish(value, true, timeout);
  }
  /// At once: sent, or why not (the value stays the caller's).
  expected<std::uint64_t, stream_error> try_send(const T& value) const {
    return publish(value, false, std::chrono::seconds{5});
  }

  expected<streams::producer_event, stream_error> when_online(caf::timespan timeout) const {
    return when([](const streams::producer_event& e) { return e.online; }, timeout);
  }
  expected<streams::producer_event, stream_error> when_offline(caf::timespan timeout) const {
    return when([](const streams::producer_event& e) { return !e.online; }, timeout);
  }
  expected<streams::producer_event, stream_error> when_subscribed(std::size_t n, caf::timespan timeout) const {
    return when([n](const streams::producer_event& e) { return e.subscriptions >= n; }, timeout);
  }
  /// No consumer subscribed (FEATURES 5.6 `unsubscribed()`).
  expected<streams::producer_event, stream_error> when_unsubscribed(caf::timespan timeout) const {
    return when([](const streams::producer_event& e) { return e.subscriptions == 0; }, timeout);
  }
  expected<bool, stream_error> is_online(caf::timespan timeout) const {
    auto i = info(timeout);
    if (!i)
      return unexpected{i.error()};
    return i->online;
  }

  /// The values of what the undelivered sink (producer_setup::undelivered)
  /// received; every datum was encoded by a producer<T>.
  static std::vector<T> values_of(const streams::undelivered_batch& b) {
    std::vector<T> out;
    for (const auto& d : b.datums)
      if (auto v = value_codec<T>::decode(*d))
        out.push_back(std::move(*v));
    return out;
  }

  expected<streams::producer_info, stream_error> info(caf::timespan timeout) const {
    return ask<streams::producer_info>(streams::get_producer_info{}, timeout);
  }
  expected<bool, stream_error> close(caf::timespan timeout) const {
    return ask<bool>(streams::close_producer{}, timeout);
  }

private:
  expected<std::uint64_t, stream_error> publish(const T& value, bool wait, caf::timespan timeout) const {
    auto d = streams::make_datum(value_codec<T>::encode(value));
    auto r = ask<streams::publish_result>(streams::publish{std::move(d), wait, streams::detail::ms(timeout)},
                                          timeout + std::chrono::seconds{1});
    if (!r)
      return unexpected{r.error()};
    if (r->status != streams::send_status::sent)
      return unexpected{stream_error{errc_of(r->status), std::string{to_string(r->status)}}};
    return r->seq;
  }

  template <class Pred>
  expected<streams::producer_event, stream_error> when(Pred pred, caf::timespan timeout) const {
    return streams::detail::when<streams::producer_event, streams::watch_producer>(*sys_, handle_, pred,
                                                                                  timeout);
  }

  template <class R, class Op>
  expected<R, stream_error> ask(Op op, caf::timespan timeout) const {
    caf::scoped_actor self{*sys_};
    expected<R, stream_error> out = unexpected{stream_error{}};
    self->request(handle_, timeout, std::move(op))
      .receive([&](R& r) { out = std::move(r); },
               [&](caf::error& err) { out = unexpected{streams::detail::failure(*sys_, err)}; });
    return out;
  }

  caf::actor_system* sys_;
  streams::producer_handle handle_;
};

/// A datum as the facade hands it out.
template <class T>
struct datum {
  T value;
  peer_id producer;
  std::uint64_t seq = 0;
};

template <class T>
class consumer {
public:
  consumer(caf::actor_system& sys, streams::consumer_handle h) : sys_(&sys), handle_(std::move(h)) {}

  const streams::consumer_handle& actor() const { return handle_; }

  /// The datums of the next batch (at most `max`) and the gaps seen since
  /// the last one; empty when nothing came within `timeout`. Datums that
  /// do not decode as T are skipped and counted in `undecodable`.
  struct batch {
    std::vector<datum<T>> datums;
    std::vector<streams::gap> gaps;
    std::size_t undecodable = 0;
  };
  expected<batch, stream_error> recv(caf::timespan timeout, std::size_t max = 256) const {
    caf::scoped_actor self{*sys_};
    expected<batch, stream_error> out = unexpected{stream_error{}};
    self->request(handle_, timeout + std::chrono::seconds{1}, streams::next_batch{max, streams::detail::ms(timeout)})
      .receive([&](streams::received& r) { out = decode(r); },
               [&](caf::error& err) { out = unexpected{streams::detail::failure(*sys_, err)}; });
    return out;
  }

  expected<streams::consumer_event, stream_error> when_online(caf::timespan timeout) const {
    return streams::detail::when<streams::consumer_event, streams::watch_consumer>(
      *sys_, handle_, [](const auto& e) { return e.online; }, timeout);
  }
  expected<streams::consumer_event, stream_error> when_offline(caf::timespan timeout) const {
    return streams::detail::when<streams::consumer_event, streams::watch_consumer>(
      *sys_, handle_, [](const auto& e) { return !e.online; }, timeout);
  }
  expected<streams::consumer_event, stream_error> when_connected(std::size_t n, caf::timespan timeout) const {
    return streams::detail::when<streams::consumer_event, streams::watch_consumer>(
      *sys_, handle_, [n](const auto& e) { return e.connected >= n; }, timeout);
  }
  /// No producer connected (FEATURES 5.6 `unsubscribed()`).
  expected<streams::consumer_event, stream_error> when_unsubscribed(caf::timespan timeout) const {
    return streams::detail::when<streams::consumer_event, streams::watch_consumer>(
      *sys_, handle_, [](const auto& e) { return e.connected == 0; }, timeout);
  }
  expected<bool, stream_error> is_online(caf::timespan timeout) const {
    auto i = info(timeout);
    if (!i)
      return unexpected{i.error()};
    return i->online;
  }

  expected<streams::consumer_info, stream_error> info(caf::timespan timeout) const {
    caf::scoped_actor self{*sys_};
    expected<streams::consumer_info, stream_error> out = unexpected{stream_error{}};
    self->request(handle_, timeout, streams::get_consumer_info{})
      .receive([&](streams::consumer_info& i) { out = std::move(i); },
               [&](caf::error& err) { out = unexpected{streams::detail::failure(*sys_, err)}; });
    return out;
  }
  expected<bool, stream_error> close(caf::timespan timeout) const {
    caf::scoped_actor self{*sys_};
    expected<bool, stream_error> out = unexpected{stream_error{}};
    self->request(handle_, timeout, streams::close_consumer{})
      .receive([&](bool ok) { out = ok; },
               [&](caf::error& err) { out = unexpected{streams::detail::failure(*sys_, err)}; });
    return out;
  }

private:
  static batch decode(streams::received& r) {
    batch out;
    out.gaps = std::move(r.gaps);
    for (auto& d : r.datums) {
      if (auto v = value_codec<T>::decode(*d.datum))
        out.datums.push_back({std::move(*v), d.producer, d.seq});
      else
        ++out.undecodable;
    }
    return out;
  }

  caf::actor_system* sys_;
  streams::consumer_handle handle_;
};

} // namespace mosaik
