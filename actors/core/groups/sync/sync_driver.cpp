#include "actors/core/groups/sync/sync_driver.hpp"

#include "actors/core/groups/sync/log_replay_session.hpp"
#include "actors/core/groups/sync/store_sync_log.hpp"

namespace mosaik::groups {

namespace {

/// The leader's highest position the append names with index in
/// (after, commit]: committed there, and past what we have committed.
std::optional<log_anchor> anchor_of(const raft::append_request& a, raft::index_t after) {
  std::optional<log_anchor> best;
  auto consider = [&](raft::index_t i, raft::term_t t) {
    if (i > after && i <= a.commit && t != 0)
      best = log_anchor{i, t};
  };
  consider(a.prev_index, a.prev_term);
  for (const auto& e : a.entries)
    consider(e.index, e.term);
  return best;
}

void add(sync_stats& to, const sync_stats& s) {
  to.entries_fetched += s.entries_fetched;
  to.entries_from_leader += s.entries_from_leader;
  to.fetches += s.fetches;
  to.fetch_timeouts += s.fetch_timeouts;
  to.batches_rejected += s.batches_rejected;
  to.entries_handed_out += s.entries_handed_out;
}

} // namespace

sync_driver::sync_driver(log_replay_config cfg, const raft::storage& store)
  : cfg_(cfg), store_(store), provider_(cfg) {}

raft::term_t sync_driver::term_at(raft::index_t i) const {
  auto t = store_.term(i);
  return t ? *t : 0;
}

void sync_driver::observed(const raft::message& m, const raft::soft_state& soft,
                           const raft::raw_node& raw, millis now) {
  const auto* a = std::get_if<raft::append_request>(&m.body);
  if (!a || soft.role != raft::role::follower || soft.leader != m.from || soft.term != m.term)
    return;
  leader_commit_ = std::max(leader_commit_, a->commit);
  auto anchor = anchor_of(*a, raw.committed());
  if (session_) {
    if (anchor)
      session_->leader_anchor(*anchor);
    return;
  }
  if (a->commit > raw.committed() + cfg_.min_gap)
    start(raw, m.from, anchor, now);
}

void sync_driver::start(const raft::raw_node& raw, const peer_id& leader,
                        std::optional<log_anchor> anchor, millis now) {
  log_replay_session::start s;
  s.leader = leader;
  s.peers.assign(bonded_.begin(), bonded_.end());
  s.commit = raw.committed();
  s.commit_term = term_at(s.commit);
  s.anchor = anchor;
  s.leader_commit = leader_commit_;
  s.now = now;
  session_ = std::make_unique<log_replay_session>(cfg_, std::move(s));
  ++totals_.sessions_started;
}

void sync_driver::on_message(const peer_id& from, const sync_message& m, const raft::raw_node& raw,
                             millis now) {
  if (!bonded_.contains(from))
    return;
  if (provider_.receive(from, m, store_sync_log(store_, raw), messages_))
    return;
  if (!session_)
    return;
  if (const auto* a = std::get_if<availability_response>(&m); a && raw.status().soft.leader == from)
    leader_commit_ = std::max(leader_commit_, a->range.last);
  session_->receive(from, m, now);
}

void sync_driver::bond_up(const peer_id& peer) {
  if (bonded_.insert(peer).second && session_)
    session_->bond_up(peer);
}

void sync_driver::bond_down(const peer_id& peer) {
  bonded_.erase(peer);
  if (session_)
    session_->bond_down(peer);
}

void sync_driver::tick(millis now) {
  if (session_)
    session_->tick(now);
}

void sync_driver::pump(raft::raw_node& raw, const std::function<void()>& run) {
  while (session_) {
    if (raw.status().soft.role == raft::role::leader)
      return end(false); // a leader lags no one
    session_->committed(raw.committed(), term_at(raw.committed()));
    auto out = session_->take_output();
    for (auto& s : out.messages)
      if (bonded_.contains(s.to))
        messages_.push_back(std::move(s));
    for (const auto& b : out.batches) {
      if (!raw.append_committed(b, leader_commit_))
        return end(false);
      run(); // persist, send the acknowledgement, apply
    }
    if (session_->done())
      return end(true);
    if (out.batches.empty())
      return;
  }
}

void sync_driver::end(bool caught_up) {
  add(totals_.entries, session_->stats());
  ++(caught_up ? totals_.sessions_completed : totals_.sessions_abandoned);
  session_.reset();
}

void sync_driver::close() {
  if (session_)
    end(false);
}

sync_totals sync_driver::totals() const {
  auto t = totals_;
  if (session_)
    add(t.entries, session_->stats());
  t.active = session_ != nullptr;
  return t;
}

} // namespace mosaik::groups
