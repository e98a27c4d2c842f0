#pragma once
// mosaik::testing -- test your replicated state machine (and your streams)
// the way mosaik tests its own: N whole nodes (links, discovery, groups,
// streams) in one process on CAF's test coordinator and a simulated
// network, on simulated time, reproducible from a seed. Link the CMake
// target mosaik::testing.
//
//   mosaik::testing::cluster c{3, /*seed*/ 42};
//   c.start_all();
//   auto g = c.join_all<counter>("counters");
//   REQUIRE(c.run_until([&] { return c.formed(g); }, 20s));
//   auto old = *c.leader(g);
//   c.crash(old);
//   auto r = c.execute(g, c.any_member(g, old), +1, 5s);  // a slot filled when it ends
//   REQUIRE(c.await(r, 10s));
//   CHECK(r->value().results.size() == 1);
//
// Every node bootstraps from node 0 and keeps its groups' Raft state in
// memory that survives crash() and restart(): a restarted node resumes its
// groups from what it had persisted (every ready is durable when it is
// persisted, so a crash loses nothing acknowledged) and rejoins them.
// Nothing here blocks: operations are slots that fill as simulated time runs.
//
// Started nodes can always dial each other (sim_cluster.hpp). For another
// topology edit config(i).bootstrap before start(i), and keep nodes apart
// with partition(i, j) until heal(i, j).

#include "actors/core/groups/memory_stores.hpp"
#include "actors/groups/group.hpp"
#include "actors/groups/group_state.hpp"
#include "actors/groups/groups_api.hpp"
#include "actors/groups/machine_adapter.hpp"
#include "actors/streams/streams_api.hpp"
#include "tests/support/sim_cluster.hpp"

#include <caf/event_based_actor.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

namespace mosaik::testing {

/// A group joined on every node of a cluster.
template <class M>
struct cluster_group {
  group_id id;
};

/// An operation in flight: empty until its answer (or a failure) arrives.
template <class T>
using slot = std::shared_ptr<std::optional<expected<T, group_error>>>;

/// A request in flight to any actor: empty until its answer, or the
/// error's rendering, arrives.
template <class T>
using reply = std::shared_ptr<std::optional<expected<T, std::string>>>;

class cluster : public test::sim_cluster {
public:
  /// `n` nodes named n0..n(n-1); node i bootstraps from node 0.
  cluster(std::size_t n, std::uint64_t seed);

  /// Joins group `key` of machine M on every started node (and on every
  /// restart of one); the nodes in `observers` join as observers.
  template <groups::replicated_machine M>
  cluster_group<M> join_all(std::string_view key, const groups::join_options& o = {},
                            const std::set<std::size_t>& observers = {}) {
    return join_all_preferring<M>(key, o, [o, observers](std::size_t i) {
      return observers.count(i) > 0 ? raft::leadership::observer() : o.preference;
    });
  }

  /// As join_all, node i joining with leadership preference `preference_of(i)`
  /// (say, some nodes reluctant).
  template <groups::replicated_machine M>
  cluster_group<M> join_all_preferring(std::string_view key, const groups::join_options& o,
                                       std::function<raft::leadership(std::size_t)> preference_of) {
    auto setup = [k = groups::group_key::from_secret(key), o, preference_of](std::size_t i) {
      auto mine = o;
      mine.preference = preference_of(i);
      return groups::setup_for<M>(k, mine);
    };
    auto id = groups::id_of(setup(0));
    joins_[id] = setup;
    for (std::size_t i = 0; i < size(); ++i)
      if (started(i))
        join(i, id);
    return {id};
  }

  /// Node i's group actor (null when not running there).
  groups::group_handle group_actor(std::size_t i, const group_id& g);
  /// Node i's view of the group (nullopt when not running there).
  std::optional<groups::group_view> view(std::size_t i, const group_id& g);
  template <class M>
  std::optional<groups::group_view> view(std::size_t i, const cluster_group<M>& g) {
    return view(i, g.id);
  }

  /// How many bonds node i has in the group (0 when not running there).
  std::size_t bond_count(std::size_t i, const group_id& g);
  template <class M>
  std::size_t bond_count(std::size_t i, const cluster_group<M>& g) {
    return bond_count(i, g.id);
  }

  /// The running node that leads the group in the highest term, if every
  /// running member that knows a leader of that term agrees.
  std::optional<std::size_t> leader(const group_id& g);
  template <class M>
  std::optional<std::size_t> leader(const cluster_group<M>& g) {
    return leader(g.id);
  }
  /// One leader that every running member follows, and every running
  /// member that is not an observer a voter: the group is ready for work.
  bool formed(const group_id& g);
  template <class M>
  bool formed(const cluster_group<M>& g) {
    return formed(g.id);
  }
  /// One leader every running member follows, online, with `voters` voters
  /// in the configuration in force: the group has formed.
  bool formed(const group_id& g, std::size_t voters);
  template <class M>
  bool formed(const cluster_group<M>& g, std::size_t voters) {
    return formed(g.id, voters);
  }
  /// A running member other than `except`.
  std::optional<std::size_t> any_member(const group_id& g, std::optional<std::size_t> except = {});
  template <class M>
  std::size_t any_member(const cluster_group<M>& g, std::optional<std::size_t> except = {}) {
    auto m = any_member(g.id, except);
    MOSAIK_CHECK(m.has_value(), "testing: no running member of the group");
    return *m;
  }

  template <groups::replicated_machine M>
  slot<executed<M>> execute(const cluster_group<M>& g, std::size_t i, const typename M::command& c,
                            caf::timespan timeout) {
    auto out = std::make_shared<std::optional<expected<executed<M>, group_error>>>();
    ask(i, g.id, groups::execute_op{{value_codec<typename M::command>::encode(c)}, ms(timeout)},
        [out](groups::completion& c) { *out = executed_from<M>(c); });
    return out;
  }

  template <groups::replicated_machine M>
  slot<query_result<M>> query(const cluster_group<M>& g, std::size_t i, const typename M::query& q,
                              groups::consistency level, caf::timespan timeout) {
    auto out = std::make_shared<std::optional<expected<query_result<M>, group_error>>>();
    ask(i, g.id, groups::query_op{value_codec<typename M::query>::encode(q), level, ms(timeout)},
        [out](groups::completion& c) { *out = query_result_from<M>(c); });
    return out;
  }

  /// Runs simulated time until the slot is filled or `limit` passed.
  template <class T>
  bool await(const slot<T>& s, caf::timespan limit) {
    return run_until([&] { return s->has_value(); }, limit);
  }
  template <class T>
  bool await(const reply<T>& r, caf::timespan limit) {
    return run_until([&] { return r->has_value(); }, limit);
  }

  // -- streams ---------------------------------------------------------------
  // Producers and consumers live as long as their node's process: after a
  // restart, open them again.

  /// Node i's producer of `setup.stream` (created, or the running one).
  streams::producer_handle produce(std::size_t i, streams::producer_setup setup);
  /// A new consumer of `setup.stream` on node i.
  streams::consumer_handle consume(std::size_t i, streams::consumer_setup setup);

  /// Sends `op` from node i to `to` (a producer, a consumer, any typed
  /// handle); the reply of type R fills the slot as simulated time runs.
  template <class R, class Handle, class Op>
  reply<R> request(std::size_t i, const Handle& to, Op op);

  /// Node i crashes (its Raft state stays as persisted; `mode`: whether its
  /// connections reset or go silent, sim_cluster.hpp) ...
  void crash(std::size_t i, crash_mode mode = crash_mode::reset) { sim_cluster::crash(i, mode); }
  /// ... and comes back with the same state and rejoins its groups.
  void restart(std::size_t i);
  /// Cuts node i off from every other node (both ways) / undoes it.
  void isolate(std::size_t i) { sim_cluster::isolate((*this)[i]); }
  void rejoin(std::size_t i) { sim_cluster::rejoin((*this)[i]); }
  /// Stops bytes between nodes i and j both ways (they queue, and new
  /// connections between the two are held) / delivers the backlog. Both act
  /// on the nodes' current processes: a restarted node starts connected.
  void partition(std::size_t i, std::size_t j) { sim_cluster::partition((*this)[i], (*this)[j]); }
  void heal(std::size_t i, std::size_t j) { sim_cluster::heal((*this)[i], (*this)[j]); }
  /// Loses the bytes in flight between nodes i and j: their links fail the
  /// next record and end, then are dialled anew.
  std::size_t lose_in_flight(std::size_t i, std::size_t j) {
    return sim_cluster::drop_in_flight((*this)[i], (*this)[j]);
  }

  void start(std::size_t i);
  void start_all();

private:
  static std::chrono::milliseconds ms(caf::timespan t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t);
  }

  void join(std::size_t i, const group_id& id);
  groups::group_state* state_of(std::size_t i, const group_id& g);
  template <class Op, class OnDone>
  void ask(std::size_t i, const group_id& g, Op op, OnDone on_done);

  std::vector<std::shared_ptr<groups::memory_stores>> stores_;
  std::map<group_id, std::function<groups::group_setup(std::size_t)>> joins_;
  /// Each node's group actors, from its current process's join answers.
  std::vector<std::map<group_id, groups::group_handle>> groups_;
};

// -- implementation of the templates ----------------------------------------

template <class Op, class OnDone>
void cluster::ask(std::size_t i, const group_id& g, Op op, OnDone on_done) {
  auto handle = group_actor(i, g);
  if (!handle) {
    groups::completion c = groups::failed{0, {groups::op_errc::closed, "not running on that node", {}}};
    on_done(c);
    return;
  }
  // State goes in as spawn arguments: CAF 0.17 binds a null reference for
  // spawns without arguments (UBSan reports it).
  auto body = [](caf::event_based_actor* self, groups::group_handle to, std::shared_ptr<Op> what,
                 std::shared_ptr<OnDone> done) {
    self->request(to, caf::infinite, std::move(*what))
      .then([self, done](groups::completion& c) {
              (*done)(c);
              self->quit();
            },
            [self, done](caf::error&) {
              groups::completion c = groups::failed{0, {groups::op_errc::closed, "the group stopped", {}}};
              (*done)(c);
              self->quit();
            });
  };
  auto client = (*this)[i].sys.spawn(body, handle, std::make_shared<Op>(std::move(op)),
                                     std::make_shared<OnDone>(std::move(on_done)));
  own(client);
}

template <class R, class Handle, class Op>
reply<R> cluster::request(std::size_t i, const Handle& to, Op op) {
  auto out = std::make_shared<std::optional<expected<R, std::string>>>();
  auto body = [](caf::event_based_actor* self, caf::actor to, std::shared_ptr<Op> what, reply<R> out) {
    self->request(to, caf::infinite, std::move(*what))
      .then(
        [self, out](R& r) {
          *out = std::move(r);
          self->quit();
        },
        [self, out](caf::error& err) {
          *out = unexpected{self->system().render(err)};
          self->quit();
        });
  };
  own((*this)[i].sys.spawn(body, caf::actor_cast<caf::actor>(to), std::make_shared<Op>(std::move(op)), out));
  return out;
}

} // namespace mosaik::testing
