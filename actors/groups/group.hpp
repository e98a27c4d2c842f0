#pragma once
// mosaik::group<M> -- the blocking facade of one group for main(), tools and
// tests on real time (DESIGN section 9). Under CAF's test coordinator use
// the typed handle (actor()) or mosaik::testing instead: a blocking call
// there would wait for a clock nobody advances.
//
//   auto g = net.join<counter>("counters", 10s).value();
//   if (auto ok = g.when_online(5s); !ok) ...;
//   auto at = g.execute(+1, 2s);                       // expected<executed<counter>, group_error>
//   auto v = g.query({}, groups::consistency::strong, 2s);
//
// Every call takes a timeout, returns an expected and never hangs. Copies
// name the same group; dropping one does not leave the group (close() does).

#include "actors/core/expected.hpp"
#include "actors/groups/group_api.hpp"
#include "actors/groups/machine_adapter.hpp"
#include "actors/codec/value_codec.hpp"

#include <caf/actor_system.hpp>
#include <caf/after.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/sec.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace mosaik {

struct group_error {
  groups::op_errc code = groups::op_errc::offline;
  std::string detail;
  /// The encoded commands that definitely took no effect, in issue order
  /// (group<M>::unsent decodes them).
  std::vector<bytes> unsent = {};
  /// Definite: nothing the call carried took effect.
  bool definite() const { return groups::is_definite(code); }
};

/// The error a `failed` completion carries.
inline group_error error_of(groups::failed& f) {
  return {f.failure.code, std::move(f.failure.detail), std::move(f.failure.unsent)};
}

template <class M>
struct executed {
  groups::index_range range;
  /// What apply gave back for each command, or why it was rejected.
  std::vector<expected<groups::apply_value_t<M>, std::string>> results;
};

template <class M>
struct query_result {
  typename M::result value;
  /// The applied index the query was served at.
  std::uint64_t at = 0;
};

/// What a completion means for a feed, an execute or a query of machine M
/// (a `failed` one, or one of another kind, becomes the error).
expected<groups::index_range, group_error> fed_from(groups::completion& c);

template <class M>
expected<executed<M>, group_error> executed_from(groups::completion& c) {
  if (auto* f = std::get_if<groups::failed>(&c))
    return unexpected{error_of(*f)};
  auto* e = std::get_if<groups::executed>(&c);
  if (e == nullptr)
    return unexpected{group_error{groups::op_errc::rejected, "an answer of another kind"}};
  using V = groups::apply_value_t<M>;
  executed<M> out{e->range, {}};
  for (auto& r : e->results) {
    if (!r) {
      out.results.push_back(unexpected{r.error()});
    } else if constexpr (std::is_same_v<V, std::monostate>) {
      out.results.push_back(V{});
    } else if (auto v = value_codec<V>::decode(*r)) {
      out.results.push_back(std::move(*v));
    } else {
      out.results.push_back(unexpected{std::string{"the result does not decode"}});
    }
  }
  return out;
}

template <class M>
expected<query_result<M>, group_error> query_result_from(groups::completion& c) {
  if (auto* f = std::get_if<groups::failed>(&c))
    return unexpected{error_of(*f)};
  auto* q = std::get_if<groups::queried>(&c);
  if (q == nullptr)
    return unexpected{group_error{groups::op_errc::rejected, "an answer of another kind"}};
  auto v = value_codec<typename M::result>::decode(q->result);
  if (!v)
    return unexpected{group_error{groups::op_errc::rejected, "the result does not decode"}};
  return query_result<M>{std::move(*v), q->at};
}

template <groups::replicated_machine M>
class group {
public:
  using command = typename M::command;
  using query_type = typename M::query;

  group(caf::actor_system& sys, group_id id, groups::group_handle handle)
    : sys_(&sys), id_(id), handle_(std::move(handle)) {}

  const group_id& id() const { return id_; }
  const groups::group_handle& actor() const { return handle_; }

  expected<groups::index_range, group_error> feed(const std::vector<command>& cmds,
                                                  caf::timespan timeout) const {
    return ask(groups::feed_op{encode_all(cmds), ms(timeout)}, timeout, fed_from);
  }
  expected<groups::index_range, group_error> feed(const command& c, caf::timespan timeout) const {
    return feed(std::vector<command>{c}, timeout);
  }

  expected<executed<M>, group_error> execute(const std::vector<command>& cmds,
                                             caf::timespan timeout) const {
    return ask(groups::execute_op{encode_all(cmds), ms(timeout)}, timeout, executed_from<M>);
  }
  expected<executed<M>, group_error> execute(const command& c, caf::timespan timeout) const {
    return execute(std::vector<command>{c}, timeout);
  }

  expected<query_result<M>, group_error> query(const query_type& q, groups::consistency level,
                                               caf::timespan timeout) const {
    auto op = groups::query_op{value_codec<query_type>::encode(q), level, ms(timeout)};
    return ask(std::move(op), timeout, query_result_from<M>);
  }

  expected<groups::group_view, group_error> view(caf::timespan timeout) const {
    caf::scoped_actor self{*sys_};
    expected<groups::group_view, group_error> out = unexpected{timed_out()};
    self->request(handle_, timeout, groups::get_view{})
      .receive([&](groups::group_view& v) { out = std::move(v); },
               [&](caf::error& err) { out = unexpected{failure(err)}; });
    return out;
  }

  /// Waits until the group's view satisfies `pred`; the view it saw then.
  expected<groups::group_view, group_error>
  when(const std::function<bool(const groups::group_view&)>& pred, caf::timespan timeout) const;
  expected<groups::group_view, group_error> when_online(caf::timespan timeout) const {
    return when([](const groups::group_view& v) { return v.online; }, timeout);
  }
  expected<peer_id, group_error> when_leader(caf::timespan timeout) const {
    auto v = when([](const groups::group_view& v) { return v.leader.has_value(); }, timeout);
    if (!v)
      return unexpected{v.error()};
    return *v->leader;
  }
  expected<groups::group_view, group_error> when_offline(caf::timespan timeout) const {
    return when([](const groups::group_view& v) { return !v.online; }, timeout);
  }
  /// A leader other than `known` (none: any leader).
  expected<peer_id, group_error> when_leader_changed(const std::optional<peer_id>& known,
                                                     caf::timespan timeout) const {
    auto v = when([&](const groups::group_view& v) { return v.leader && v.leader != known; }, timeout);
    if (!v)
      return unexpected{v.error()};
    return *v->leader;
  }
  expected<groups::group_view, group_error> when_leader_is(const peer_id& p, caf::timespan timeout) const {
    return when([&](const groups::group_view& v) { return v.leader == p; }, timeout);
  }
  expected<groups::group_view, group_error> when_is_leader(caf::timespan timeout) const {
    return when([](const groups::group_view& v) { return v.role == raft::role::leader; }, timeout);
  }
  expected<groups::group_view, group_error> when_is_follower(caf::timespan timeout) const {
    return when([](const groups::group_view& v) { return v.role == raft::role::follower && v.leader; },
                timeout);
  }
  expected<groups::group_view, group_error> when_committed(std::uint64_t index,
                                                           caf::timespan timeout) const {
    return when([index](const groups::group_view& v) { return v.commit >= index; }, timeout);
  }
  /// The log (committed or not) reaches `index`.
  expected<groups::group_view, group_error> when_log_reaches(std::uint64_t index,
                                                             caf::timespan timeout) const {
    return when([index](const groups::group_view& v) { return v.last_index >= index; }, timeout);
  }

  /// The commands of `e` that definitely took no effect, decoded.
  static std::vector<command> unsent(const group_error& e) {
    std::vector<command> out;
    for (const auto& b : e.unsent)
      if (auto c = value_codec<command>::decode(b))
        out.push_back(std::move(*c));
    return out;
  }

  /// Leaves the group: departure on every bond, then the group stops.
  expected<bool, group_error> close(caf::timespan timeout) const {
    caf::scoped_actor self{*sys_};
    expected<bool, group_error> out = unexpected{timed_out()};
    self->request(handle_, timeout, groups::close_group{})
      .receive([&](bool ok) { out = ok; }, [&](caf::error& err) { out = unexpected{failure(err)}; });
    return out;
  }

private:
  static std::chrono::milliseconds ms(caf::timespan t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t);
  }
  static group_error timed_out() { return {groups::op_errc::timeout, "no answer in time"}; }
  /// No answer in time says nothing of the operation (the group may still
  /// commit it): unknown. Any other error is the group actor gone.
  group_error failure(const caf::error& err) const {
    if (err == caf::sec::request_timeout)
      return timed_out();
    return {groups::op_errc::closed, sys_->render(err)};
  }

  static std::vector<bytes> encode_all(const std::vector<command>& cmds) {
    std::vector<bytes> out;
    out.reserve(cmds.size());
    for (const auto& c : cmds)
      out.push_back(value_codec<command>::encode(c));
    return out;
  }

  /// Sends `op` and maps its completion through `from`.
  template <class Op, class From>
  auto ask(Op op, caf::timespan timeout, From from) const {
    groups::completion c = groups::failed{0, {groups::op_errc::timeout, "no answer in time", {}}};
    caf::scoped_actor self{*sys_};
    // The group answers within the operation's timeout; the margin covers
    // the trip to it and back.
    self->request(handle_, timeout + std::chrono::seconds{1}, std::move(op))
      .receive([&](groups::completion& got) { c = std::move(got); },
               [&](caf::error& err) {
                 auto e = failure(err);
                 c = groups::failed{0, {e.code, std::move(e.detail), {}}};
               });
    return from(c);
  }

  caf::actor_system* sys_;
  group_id id_;
  groups::group_handle handle_;
};

template <groups::replicated_machine M>
expected<groups::group_view, group_error>
group<M>::when(const std::function<bool(const groups::group_view&)>& pred, caf::timespan timeout) const {
  caf::scoped_actor self{*sys_};
  self->send(handle_, groups::watch_view{caf::actor_cast<caf::actor>(self)});
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= caf::timespan::zero())
      return unexpected{timed_out()};
    std::optional<groups::group_view> seen;
    bool waited_out = false;
    self->receive([&](groups::view_changed& v) { seen = std::move(v.view); },
                  caf::after(std::chrono::duration_cast<caf::timespan>(left)) >> [&] { waited_out = true; });
    if (waited_out)
      return unexpected{timed_out()};
    if (seen && pred(*seen))
      return *seen;
  }
}

} // namespace mosaik
