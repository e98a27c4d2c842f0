#pragma once
// mosaik::network -- the entry point of a CAF application into mosaik: one
// node (links, discovery, later groups and streams) started through the
// network supervisor (supervisor.hpp).
//
//   auto net = mosaik::network::start(sys, cfg, secret_key::generate(), 10s);
//   if (!net) { std::cerr << net.error(); return 1; }
//   self->send(net->discovery(), discovery::subscribe_discovery{watcher});
//   ...
//   (void)net->shutdown(3s);
//
// Every blocking call takes a timeout and returns an expected: none hangs.
// The object is a handle: copies name the same network, and dropping it does
// not stop the network (shutdown() does, or the actor system's end).

#include "actors/core/expected.hpp"
#include "actors/core/ids/keys.hpp"
#include "actors/core/wire/status.hpp"
#include "actors/groups/group.hpp"
#include "actors/groups/machine_adapter.hpp"
#include "actors/network/network_api.hpp"
#include "actors/streams/stream.hpp"
#include "actors/node/node_config.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include <string>

namespace mosaik {

class network {
public:
  /// Starts a network on `sys` (a transport::system_config actor system) and
  /// waits up to `timeout` for it to listen with every subsystem wired. A
  /// network that is not ready in time is stopped.
  static expected<network, std::string> start(caf::actor_system& sys, node::node_config cfg,
                                              secret_key key, caf::timespan timeout);

  /// The supervisor (network_api.hpp).
  const net::network_handle& actor() const { return supervisor_; }
  /// The node (node_api.hpp): frames, handlers, link events.
  const node::node_handle& node() const { return ready_.node; }
  /// The discovery actor (discovery_api.hpp); null when disabled.
  const discovery::discovery_handle& discovery() const { return ready_.discovery; }
  const peer_id& peer() const { return ready_.peer; }
  const wire::endpoint& listen() const { return ready_.listen; }

  /// The groups subsystem (groups_api.hpp).
  const groups::groups_handle& groups() const { return ready_.groups; }

  /// Joins the group of machine M under `key` (the secret as text by the id
  /// rules, or a group_key), or returns the running one: join is idempotent
  /// per group id.
  template <groups::replicated_machine M>
  expected<group<M>, std::string> join(const groups::group_key& key, caf::timespan timeout,
                                       const groups::join_options& options = {}) const {
    auto joined = join_setup(groups::setup_for<M>(key, options), timeout);
    if (!joined)
      return unexpected{joined.error()};
    return group<M>{*sys_, joined->id, joined->group};
  }
  template <groups::replicated_machine M>
  expected<group<M>, std::string> join(std::string_view key, caf::timespan timeout,
                                       const groups::join_options& options = {}) const {
    return join<M>(groups::group_key::from_secret(key), timeout, options);
  }

  /// The streams subsystem (streams_api.hpp).
  const streams::streams_handle& streams() const { return ready_.streams; }

  /// The producer of `setup.stream` on this node (created, or the running
  /// one: one fan-out per stream id), for datums of type T.
  template <class T>
  expected<producer<T>, std::string> produce(streams::producer_setup setup, caf::timespan timeout) const {
    auto h = open(std::move(setup), timeout);
    if (!h)
      return unexpected{h.error()};
    return producer<T>{*sys_, std::move(*h)};
  }
  /// The same for T's own stream (its stream name), default options.
  template <streams::named_datum T>
  expected<producer<T>, std::string> produce(caf::timespan timeout) const {
    return produce<T>(streams::producer_setup::of(streams::stream_def::of<T>()), timeout);
  }

  /// A new consumer of `setup.stream`, for datums of type T.
  template <class T>
  expected<consumer<T>, std::string> consume(streams::consumer_setup setup, caf::timespan timeout) const {
    auto h = open(std::move(setup), timeout);
    if (!h)
      return unexpected{h.error()};
    return consumer<T>{*sys_, std::move(*h)};
  }
  template <streams::named_datum T>
  expected<consumer<T>, std::string> consume(caf::timespan timeout) const {
    return consume<T>(streams::consumer_setup::of(streams::stream_def::of<T>()), timeout);
  }

  /// The node's status, every subsystem's part included.
  expected<wire::node_status, std::string> status(caf::timespan timeout) const;
  /// Runs the shutdown phases (each bounded by the departure window) and
  /// stops the network; after `timeout` it is stopped without waiting more.
  expected<bool, std::string> shutdown(caf::timespan timeout);

private:
  expected<groups::join_result, std::string> join_setup(groups::group_setup setup,
                                                        caf::timespan timeout) const;
  expected<streams::producer_handle, std::string> open(streams::producer_setup setup,
                                                       caf::timespan timeout) const;
  expected<streams::consumer_handle, std::string> open(streams::consumer_setup setup,
                                                       caf::timespan timeout) const;

  network(caf::actor_system& sys, net::network_handle supervisor, net::network_ready ready)
    : sys_(&sys), supervisor_(std::move(supervisor)), ready_(std::move(ready)) {}

  caf::actor_system* sys_;
  net::network_handle supervisor_;
  net::network_ready ready_;
};

} // namespace mosaik
