#include "actors/network/network.hpp"

#include "actors/network/supervisor.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

namespace mosaik {

expected<network, std::string> network::start(caf::actor_system& sys, node::node_config cfg,
                                              secret_key key, caf::timespan timeout) {
  auto spawned = net::spawn_network(sys, std::move(cfg), std::move(key));
  caf::scoped_actor self{sys};
  std::optional<net::network_ready> ready;
  std::string error;
  self->request(spawned.supervisor, timeout, net::await_ready{})
    .receive([&](net::network_ready& r) { ready = std::move(r); },
             [&](caf::error& err) { error = "cannot start: " + sys.render(err); });
  if (!ready) {
    caf::anon_send_exit(spawned.supervisor, caf::exit_reason::user_shutdown);
    return unexpected{error};
  }
  return network{sys, spawned.supervisor, std::move(*ready)};
}

expected<wire::node_status, std::string> network::status(caf::timespan timeout) const {
  caf::scoped_actor self{*sys_};
  std::optional<wire::node_status> status;
  std::string error;
  self->request(supervisor_, timeout, net::get_status{})
    .receive([&](wire::node_status& s) { status = std::move(s); },
             [&](caf::error& err) { error = "no status: " + sys_->render(err); });
  if (!status)
    return unexpected{error};
  return std::move(*status);
}

expected<bool, std::string> network::shutdown(caf::timespan timeout) {
  caf::scoped_actor self{*sys_};
  std::optional<bool> clean;
  std::string error;
  self->request(supervisor_, timeout, net::shutdown{})
    .receive([&](bool ok) { clean = ok; },
             [&](caf::error& err) { error = "shutdown: " + sys_->render(err); });
  // Stopped in any case (the supervisor takes every subsystem with it).
  caf::anon_send_exit(supervisor_, caf::exit_reason::user_shutdown);
  if (!clean)
    return unexpected{error};
  return *clean;
}

expected<groups::join_result, std::string> network::join_setup(groups::group_setup setup,
                                                               caf::timespan timeout) const {
  caf::scoped_actor self{*sys_};
  std::optional<groups::join_result> joined;
  std::string error = "join: no answer in time";
  self->request(ready_.groups, timeout, groups::join_group{std::move(setup)})
    .receive([&](groups::join_result& r) { joined = std::move(r); },
             [&](caf::error& err) { error = "join: " + sys_->render(err); });
  if (!joined)
    return unexpected{error};
  return std::move(*joined);
}

namespace {

/// Asks the streams subsystem to open a producer or consumer.
template <class Handle, class Open>
expected<Handle, std::string> open_stream(caf::actor_system& sys, const streams::streams_handle& streams,
                                          Open op, caf::timespan timeout) {
  caf::scoped_actor self{sys};
  std::optional<Handle> opened;
  std::string error = "open: no answer in time";
  self->request(streams, timeout, std::move(op))
    .receive([&](Handle& h) { opened = std::move(h); },
             [&](caf::error& err) { error = "open: " + sys.render(err); });
  if (!opened)
    return unexpected{error};
  return std::move(*opened);
}

} // namespace

expected<streams::producer_handle, std::string> network::open(streams::producer_setup setup,
                                                              caf::timespan timeout) const {
  return open_stream<streams::producer_handle>(*sys_, ready_.streams, streams::open_producer{std::move(setup)},
                                               timeout);
}

expected<streams::consumer_handle, std::string> network::open(streams::consumer_setup setup,
                                                              caf::timespan timeout) const {
  return open_stream<streams::consumer_handle>(*sys_, ready_.streams, streams::open_consumer{std::move(setup)},
                                               timeout);
}

} // namespace mosaik
