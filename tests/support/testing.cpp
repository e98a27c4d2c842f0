#include "tests/support/testing.hpp"

#include "actors/network/supervisor_state.hpp"

namespace mosaik::testing {

cluster::cluster(std::size_t n, std::uint64_t seed) : sim_cluster(n, seed), groups_(n) {
  for (std::size_t i = 0; i < n; ++i) {
    stores_.push_back(std::make_shared<groups::memory_stores>());
    config(i).groups.stores = stores_[i];
    if (i > 0)
      bootstrap(i, 0);
  }
}

void cluster::start(std::size_t i) {
  sim_cluster::start(i);
  groups_.at(i).clear();
  for (const auto& [id, setup] : joins_)
    join(i, id);
}

void cluster::start_all() {
  for (std::size_t i = 0; i < size(); ++i)
    start(i);
}

void cluster::restart(std::size_t i) {
  // sim_cluster::restart starts the node through its own start(), so the
  // groups are rejoined here.
  sim_cluster::restart(i);
  groups_.at(i).clear();
  for (const auto& [id, setup] : joins_)
    join(i, id);
}

void cluster::join(std::size_t i, const group_id& id) {
  auto& n = (*this)[i];
  auto groups = supervisor(i).groups;
  MOSAIK_CHECK(groups, "testing: node ", i, " has no groups subsystem (not ready yet?)");
  n.self->send(groups, groups::join_group{joins_.at(id)(i)});
  run_messages();
  std::optional<groups::join_result> joined;
  n.self->receive([&](groups::join_result& r) { joined = std::move(r); },
                  [&](caf::error& err) { MOSAIK_CHECK(false, "testing: join failed: ", n.sys.render(err)); },
                  caf::after(std::chrono::seconds{0}) >> [&] {});
  MOSAIK_CHECK(joined.has_value(), "testing: node ", i, " did not answer the join");
  groups_.at(i)[id] = joined->group;
}

namespace {

/// Opens a producer or consumer on node `n` through its streams actor.
template <class Handle, class Open>
Handle open_stream(test::sim_cluster::node_t& n, const streams::streams_handle& streams, Open op,
                   const std::function<void()>& run_messages) {
  MOSAIK_CHECK(streams, "testing: the node has no streams subsystem (not ready yet?)");
  n.self->send(streams, std::move(op));
  run_messages();
  std::optional<Handle> opened;
  n.self->receive([&](Handle& h) { opened = std::move(h); },
                  [&](caf::error& err) { MOSAIK_CHECK(false, "testing: open failed: ", n.sys.render(err)); },
                  caf::after(std::chrono::seconds{0}) >> [&] {});
  MOSAIK_CHECK(opened.has_value(), "testing: the node did not answer the open");
  return *opened;
}

} // namespace

streams::producer_handle cluster::produce(std::size_t i, streams::producer_setup setup) {
  return open_stream<streams::producer_handle>((*this)[i], supervisor(i).streams,
                                               streams::open_producer{std::move(setup)}, [this] { run_messages(); });
}

streams::consumer_handle cluster::consume(std::size_t i, streams::consumer_setup setup) {
  return open_stream<streams::consumer_handle>((*this)[i], supervisor(i).streams,
                                               streams::open_consumer{std::move(setup)}, [this] { run_messages(); });
}

groups::group_handle cluster::group_actor(std::size_t i, const group_id& g) {
  if (!started(i))
    return {};
  auto& mine = groups_.at(i);
  auto found = mine.find(g);
  return found == mine.end() ? groups::group_handle{} : found->second;
}

groups::group_state* cluster::state_of(std::size_t i, const group_id& g) {
  auto handle = group_actor(i, g);
  if (!handle)
    return nullptr;
  auto* a = dynamic_cast<groups::group_actor*>(caf::actor_cast<caf::abstract_actor*>(handle));
  if (a == nullptr || a->getf(caf::abstract_actor::is_terminated_flag) || !a->state.eng)
    return nullptr;
  return &a->state;
}

std::optional<groups::group_view> cluster::view(std::size_t i, const group_id& g) {
  auto* st = state_of(i, g);
  if (st == nullptr)
    return std::nullopt;
  return st->eng->view();
}

std::size_t cluster::bond_count(std::size_t i, const group_id& g) {
  auto* st = state_of(i, g);
  return st == nullptr ? 0 : st->bonds->bonded().size();
}

std::optional<std::size_t> cluster::leader(const group_id& g) {
  std::optional<std::size_t> best;
  raft::term_t best_term = 0;
  for (std::size_t i = 0; i < size(); ++i) {
    auto v = view(i, g);
    if (v && v->role == raft::role::leader && (!best || v->term > best_term)) {
      best = i;
      best_term = v->term;
    }
  }
  if (!best)
    return std::nullopt;
  for (std::size_t i = 0; i < size(); ++i) {
    auto v = view(i, g);
    if (v && v->term == best_term && v->leader && *v->leader != peer(*best))
      return std::nullopt;
  }
  return best;
}

bool cluster::formed(const group_id& g) {
  std::size_t voters = 0;
  for (std::size_t i = 0; i < size(); ++i)
    if (auto v = view(i, g); v && !v->observer)
      ++voters;
  return formed(g, voters);
}

bool cluster::formed(const group_id& g, std::size_t voters) {
  auto l = leader(g);
  if (!l)
    return false;
  for (std::size_t i = 0; i < size(); ++i)
    if (auto v = view(i, g); v && (v->leader != peer(*l) || !v->online || v->voters != voters))
      return false;
  return true;
}

std::optional<std::size_t> cluster::any_member(const group_id& g, std::optional<std::size_t> except) {
  for (std::size_t i = 0; i < size(); ++i)
    if (i != except && view(i, g))
      return i;
  return std::nullopt;
}

} // namespace mosaik::testing
