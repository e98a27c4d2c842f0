// mosaik::producer<T> and consumer<T>'s waits on online, offline and
// subscriptions, against stub actors that go offline by themselves a
// moment after the first watcher arrives (real time, a real actor system).
#include "actors/streams/stream.hpp"

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

struct go_offline {};

constexpr auto online_for = 100ms;

/// Online with one peer until `online_for` after the first watcher, then
/// offline with none; every watcher hears of it.
template <class Event, class Watch, class Info, class GetInfo>
caf::behavior stub(caf::event_based_actor* self, std::shared_ptr<std::vector<caf::actor>> watchers,
                   std::shared_ptr<bool> online) {
  auto event = [online] { return Event{stream_id::from("stub"), *online, *online ? 1u : 0u}; };
  return {
    [=](const Watch& w) {
      if (watchers->empty())
        self->delayed_send(self, online_for, go_offline{});
      watchers->push_back(w.subscriber);
      self->send(w.subscriber, event());
    },
    [=](go_offline) {
      *online = false;
      for (auto& w : *watchers)
        self->send(w, event());
    },
    [=](GetInfo) {
      Info i;
      i.online = *online;
      return i;
    },
  };
}

/// is_online's answer (the test fails when there is none).
template <class Facade>
bool online(const Facade& f) {
  auto o = f.is_online(1s);
  REQUIRE(o);
  return *o;
}

template <class Handle, class Event, class Watch, class Info, class GetInfo>
Handle spawn_stub(caf::actor_system& sys) {
  auto a = sys.spawn(stub<Event, Watch, Info, GetInfo>, std::make_shared<std::vector<caf::actor>>(),
                     std::make_shared<bool>(true));
  return caf::actor_cast<Handle>(a);
}

} // namespace

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(go_offline)

TEST_CASE("stream facade: a producer's waits follow online and offline") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto h = spawn_stub<streams::producer_handle, streams::producer_event, streams::watch_producer,
                      streams::producer_info, streams::get_producer_info>(sys);
  producer<std::uint64_t> p{sys, h};
  CHECK(online(p));
  auto on = p.when_online(1s);
  REQUIRE(on);
  CHECK(on->online);
  auto subscribed = p.when_subscribed(1, 1s);
  REQUIRE(subscribed);
  auto off = p.when_offline(5s); // the stub goes offline on its own
  REQUIRE(off);
  CHECK_FALSE(off->online);
  auto none = p.when_unsubscribed(1s);
  REQUIRE(none);
  CHECK(none->subscriptions == 0);
  CHECK_FALSE(online(p));
  auto again = p.when_online(50ms);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == stream_errc::timeout);
  caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
}

TEST_CASE("stream facade: a consumer's waits follow online and offline") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto h = spawn_stub<streams::consumer_handle, streams::consumer_event, streams::watch_consumer,
                      streams::consumer_info, streams::get_consumer_info>(sys);
  consumer<std::uint64_t> c{sys, h};
  CHECK(online(c));
  REQUIRE(c.when_connected(1, 1s));
  auto off = c.when_offline(5s);
  REQUIRE(off);
  CHECK_FALSE(off->online);
  auto none = c.when_unsubscribed(1s);
  REQUIRE(none);
  CHECK(none->connected == 0);
  auto again = c.when_connected(1, 50ms);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == stream_errc::timeout);
  caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
}

TEST_CASE("stream facade: values_of decodes what the undelivered sink got") {
  streams::undelivered_batch b{stream_id::from("stub"),
                               {streams::make_datum(value_codec<std::uint64_t>::encode(7)),
                                streams::make_datum(value_codec<std::uint64_t>::encode(9))},
                               0};
  CHECK(producer<std::uint64_t>::values_of(b) == std::vector<std::uint64_t>{7, 9});
}
