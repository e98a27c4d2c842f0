// sim_network.hpp -- an N-node deterministic network on CAF 0.17's io_dsl
// (adapted from shared/examples/caf-sim): global simulated time, partitions,
// loss and connection resets. See sim_cluster.hpp for mosaik nodes on top.
#pragma once

#include "tests/support/caf_doctest.hpp"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mosaik::test {

template <class Config>
class sim_network_base {
public:
  using base_fixture = test_coordinator_fixture<Config>;
  using node = test_node_fixture<base_fixture>;
  using connection_handle = caf::io::connection_handle;
  using accept_handle = caf::io::accept_handle;

  /// One prepared TCP connection between two simulated nodes.
  struct link {
    node* server;
    node* client;
    connection_handle server_hdl; // handle on the server's multiplexer
    connection_handle client_hdl; // handle on the client's multiplexer
    accept_handle acceptor;
    bool blocked = false;
    bool offered = false; // the server may accept it: the client connected
  };

  explicit sim_network_base(size_t num_nodes) {
    for (size_t i = 0; i < num_nodes; ++i)
      nodes_.emplace_back(std::make_unique<node>([this] { run_messages(); }));
    run_messages(); // let the middlemen initialize
  }

  virtual ~sim_network_base() {
    // Each node's ~test_coordinator_fixture() calls its own run(), which
    // fires timers until none are left. Any periodic timer (Raft heartbeat,
    // election timer, link heartbeat) would make that loop forever, so drop
    // all pending timers first (actor_clock::cancel_all()), then deliver what
    // is left and destroy the nodes in reverse order.
    for (auto& n : nodes_)
      n->sched.clock().cancel_all();
    run_messages();
    while (!nodes_.empty())
      nodes_.pop_back();
  }

  node& operator[](size_t i) {
    return *nodes_.at(i);
  }

  /// Adds a node (a fresh actor system, so a new CAF node id) whose clock
  /// starts at the global simulated time: a process started mid-run.
  node& add_node() {
    auto t = now();
    nodes_.emplace_back(std::make_unique<node>([this] { run_messages(); }));
    nodes_.back()->sched.clock().current_time = t;
    run_messages();
    return *nodes_.back();
  }

  size_t size() const {
    return nodes_.size();
  }

  // -- connection setup -------------------------------------------------------

  /// Makes `client`'s next connect to (host, port) reach `server`. All
  /// connections to the same (server, port) share one accept handle, so
  /// several clients can connect to one listening broker. Call it before
  /// the client connects.
  link& prepare_connection(node& server, node& client, const std::string& host,
                           uint16_t port) {
    auto key = std::make_pair(&server, port);
    auto i = acceptors_.find(key);
    if (i == acceptors_.end())
      i = acceptors_.emplace(key, accept_handle::from_int(++hdl_id_)).first;
    auto server_hdl = connection_handle::from_int(++hdl_id_);
    auto client_hdl = connection_handle::from_int(++hdl_id_);
    server.mpx.prepare_connection(i->second, server_hdl, client.mpx, host, port,
                                  client_hdl);
    // The test multiplexer would let the server accept the connection at
    // once, before any client connects (a phantom peer that never speaks):
    // hold it back until the client side is taken (offer_connects()).
    auto& pending = server.mpx.pending_connects();
    for (auto p = pending.begin(); p != pending.end(); ++p)
      if (p->second == server_hdl) {
        pending.erase(p);
        break;
      }
    links_.push_back(link{&server, &client, server_hdl, client_hdl, i->second});
    if (partitioned_.count(std::minmax(&server, &client)) != 0)
      block(links_.back(), true); // a partition holds new connections too
    return links_.back();
  }

  /// Makes `server` able to listen on `port` (a simulated listening socket),
  /// before any client connects. prepare_connection() reuses it.
  accept_handle listen(node& server, uint16_t port) {
    auto key = std::make_pair(&server, port);
    auto i = acceptors_.find(key);
    if (i == acceptors_.end())
      i = acceptors_.emplace(key, accept_handle::from_int(++hdl_id_)).first;
    server.mpx.provide_acceptor(port, i->second);
    return i->second;
  }

  // -- driving the simulation -------------------------------------------------

  /// One unit of progress on node `n`: one actor message, one runnable of the
  /// multiplexer (e.g. a node's broker), incoming bytes, or an accept.
  static bool step(node& n) {
    return n.sched.try_run_once() || n.mpx.try_exec_runnable()
           || n.mpx.read_data() || n.mpx.try_accept_connection();
  }

  /// Lets servers accept the connections whose clients connected since. A
  /// server whose listening broker is gone never accepts: its clients'
  /// bytes go nowhere, as to a vanished host.
  bool offer_connects() {
    bool any = false;
    for (auto& l : links_)
      if (!l.offered && !l.blocked && l.client->mpx.impl_ptr(l.client_hdl) != nullptr) {
        l.offered = true;
        if (!listening(*l.server, l.acceptor))
          continue;
        l.server->mpx.add_pending_connect(l.acceptor, l.server_hdl);
        any = true;
      }
    for (auto& n : nodes_) {
      auto& pending = n->mpx.pending_connects();
      for (auto p = pending.begin(); p != pending.end();)
        p = listening(*n, p->first) ? std::next(p) : pending.erase(p);
    }
    return any;
  }

  /// A broker still listens on `acc` (the test multiplexer would hand a
  /// connection to a broker that is gone).
  static bool listening(node& server, accept_handle acc) {
    auto& d = server.mpx.impl_ptr(acc);
    return d != nullptr && d->parent() != nullptr;
  }

  /// Runs all nodes until no messages or bytes are left. Never fires timers.
  size_t run_messages() {
    size_t steps = 0;
    for (bool progress = true; progress;) {
      progress = offer_connects();
      for (auto& n : nodes_)
        while (step(*n)) {
          progress = true;
          ++steps;
        }
    }
    return steps;
  }

  /// Like run_messages(), but picks the next node to step at random from a
  /// seeded PRNG: explores different (reproducible) interleavings between
  /// nodes. Message order per connection/mailbox stays FIFO, as with TCP.
  size_t run_messages_shuffled(std::mt19937& rng) {
    size_t steps = 0;
    std::vector<node*> order;
    for (auto& n : nodes_)
      order.push_back(n.get());
    for (;;) {
      std::shuffle(order.begin(), order.end(), rng);
      auto i = std::find_if(order.begin(), order.end(),
                            [](node* n) { return step(*n); });
      if (i == order.end() && !offer_connects())
        return steps;
      ++steps;
    }
  }

  /// Advances ALL node clocks by `d` (global simulated time), fires due
  /// timers on every node and runs messages. Note: the test clock jumps by
  /// `d` at once, so a timer re-armed while handling a fired timer is armed
  /// relative to the END of the jump. Use run_for() with a small tick for
  /// periodic timers.
  size_t advance_time(caf::timespan d) {
    size_t fired = 0;
    for (auto& n : nodes_)
      fired += n->sched.clock().advance_time(d);
    run_messages();
    return fired;
  }

  /// Advances global time in `tick` increments for a total of `total`.
  void run_for(caf::timespan total, caf::timespan tick) {
    for (caf::timespan t{0}; t < total; t += tick)
      advance_time(tick);
  }

  caf::actor_clock::time_point now() {
    return nodes_.front()->sched.clock().now();
  }

  // -- fault injection --------------------------------------------------------

  /// Stops delivering bytes between `x` and `y` in both directions (network
  /// partition / long stall). Bytes keep queuing in the simulated network
  /// buffers (nothing is lost, the TCP connections stay "open" until the
  /// links' heartbeats give up). New connections between them are held too.
  /// heal() delivers the backlog in order: partition+heal == delayed delivery.
  void partition(node& x, node& y) {
    set_blocked(x, y, true);
  }

  void heal(node& x, node& y) {
    set_blocked(x, y, false);
    run_messages();
  }

  /// Cuts `x` off from all other nodes.
  void isolate(node& x) {
    for (auto& n : nodes_)
      if (n.get() != &x)
        partition(x, *n);
  }

  void rejoin(node& x) {
    for (auto& n : nodes_)
      if (n.get() != &x)
        heal(x, *n);
  }

  /// Bytes sent between x and y (either direction) but not yet read.
  size_t bytes_in_flight(node& x, node& y) {
    size_t result = 0;
    for (auto& l : links_between(x, y))
      result += l->server->mpx.virtual_network_buffer(l->server_hdl).size()
                + l->client->mpx.virtual_network_buffer(l->client_hdl).size();
    return result;
  }

  /// Discards all bytes in flight between `x` and `y` (bytes lost without a
  /// disconnect). Real TCP never does this: on a link it models tampering,
  /// and the next sealed record fails to open, which ends the link.
  size_t drop_in_flight(node& x, node& y) {
    size_t dropped = 0;
    for (auto& l : links_between(x, y)) {
      auto& b1 = l->server->mpx.virtual_network_buffer(l->server_hdl);
      auto& b2 = l->client->mpx.virtual_network_buffer(l->client_hdl);
      dropped += b1.size() + b2.size();
      b1.clear();
      b2.clear();
    }
    return dropped;
  }

  /// Simulates a connection reset between `x` and `y`: the brokers on both
  /// ends get a connection_closed_msg (via manager::io_failure). New
  /// connections need fresh prepared ones (prepare_connection).
  void disconnect(node& x, node& y) {
    for (auto& l : links_between(x, y)) {
      if (l->client->mpx.impl_ptr(l->client_hdl) == nullptr)
        continue; // a spare connection nobody dialled yet
      for (auto side : {std::make_pair(l->server, l->server_hdl),
                        std::make_pair(l->client, l->client_hdl)}) {
        auto& mpx = side.first->mpx;
        auto& scribe = mpx.impl_ptr(side.second);
        if (scribe != nullptr)
          scribe->io_failure(&mpx, caf::io::network::operation::read);
      }
    }
    links_.erase(std::remove_if(links_.begin(), links_.end(),
                                [&](const link& l) {
                                  return connects(l, x, y)
                                         && l.client->mpx.impl_ptr(l.client_hdl) != nullptr;
                                }),
                 links_.end());
    run_messages();
  }

  /// Takes back every connection prepared towards `host`:`port` that no
  /// client has used yet, so the next connect there fails at once, as to a
  /// closed port.
  void close_port(const std::string& host, uint16_t port) {
    for (auto& n : nodes_)
      while (n->mpx.has_pending_scribe(host, port)) {
        // The only way to take a prepared connection out of the test
        // multiplexer is to connect it; nobody reads from it afterwards.
        auto spent = n->mpx.new_tcp_scribe(host, port);
        if (!spent)
          break;
        auto hdl = (*spent)->hdl();
        links_.erase(std::remove_if(links_.begin(), links_.end(),
                                    [&](const link& l) {
                                      return l.client == n.get() && l.client_hdl == hdl;
                                    }),
                     links_.end());
      }
  }

private:
  static bool connects(const link& l, node& x, node& y) {
    return (l.server == &x && l.client == &y)
           || (l.server == &y && l.client == &x);
  }

  std::vector<link*> links_between(node& x, node& y) {
    std::vector<link*> result;
    for (auto& l : links_)
      if (connects(l, x, y))
        result.push_back(&l);
    return result;
  }

  void set_blocked(node& x, node& y, bool value) {
    if (value)
      partitioned_.insert(std::minmax(&x, &y));
    else
      partitioned_.erase(std::minmax(&x, &y));
    for (auto& l : links_between(x, y))
      block(*l, value);
  }

  // passive_mode(hdl) == true makes test_multiplexer::read_data(hdl) skip
  // the connection (it models "socket not in the event loop").
  static void block(link& l, bool value) {
    l.blocked = value;
    l.server->mpx.passive_mode(l.server_hdl) = value;
    l.client->mpx.passive_mode(l.client_hdl) = value;
  }

  std::vector<std::unique_ptr<node>> nodes_;
  std::deque<link> links_; // deque: stable references for link&
  std::map<std::pair<node*, uint16_t>, accept_handle> acceptors_;
  std::set<std::pair<node*, node*>> partitioned_; // (smaller, larger) address
  int64_t hdl_id_ = 0;
};

} // namespace mosaik::test
