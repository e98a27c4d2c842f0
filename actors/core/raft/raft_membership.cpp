// Membership in the log (diss. §4): configurations take effect when
// appended, one change at a time; the leader adds joining peers as learners,
// promotes them once caught up, and removes departed or long-silent members.
// Bootstrap: the first entry of a group is written by one fresh node.

#include "actors/core/raft/quorum.hpp"
#include "actors/core/raft/raft.hpp"

#include <algorithm>

namespace mosaik::raft {

void raft::record_configs(std::span<const entry> ents) {
  bool changed = false;
  for (const auto& e : ents) {
    if (e.type != entry_type::config_change)
      continue;
    auto next = apply_entry(conf(), e);
    if (next == conf())
      continue;
    confs_.emplace_back(e.index, std::move(next));
    changed = true;
  }
  if (changed)
    sync_progress();
}

void raft::truncate_configs(index_t from) {
  // diss. §4.1: a configuration removed from the log stops being in force;
  // the previous one in the log applies again.
  bool changed = false;
  while (confs_.size() > 1 && confs_.back().first >= from) {
    confs_.pop_back();
    changed = true;
  }
  if (changed)
    sync_progress();
}

void raft::compress_configs() {
  // Keep the newest committed configuration as the base; older ones can no
  // longer come back.
  while (confs_.size() > 1 && confs_[1].first <= log_.committed())
    confs_.erase(confs_.begin());
}

void raft::sync_progress() {
  if (role_ != role::leader)
    return;
  const auto& c = conf();
  std::erase_if(prs_, [&](const auto& kv) { return !is_member(c, kv.first); });
  auto add = [&](const node_id& p) {
    if (prs_.contains(p))
      return;
    auto [it, _] = prs_.emplace(p, progress{log_.last_index() + 1, now_, cfg_.max_inflight});
    if (p == id())
      it->second.match = log_.last_index();
  };
  for (const auto& v : c.voters)
    add(v);
  for (const auto& l : c.learners)
    add(l);
}

// -- the leader's reconciliation -------------------------------------------------

void raft::reconcile_membership() {
  // diss. §4.1: one change at a time, each committed before the next; and
  // none before this term has committed an entry (the fix for the
  // single-server change bug Ongaro reported in 2015).
  if (pending_conf_index_ > log_.committed() || !committed_in_term())
    return;
  auto change = next_change();
  if (!change)
    return;
  trace(log_level::info, [&] {
    static constexpr const char* names[] = {"bootstrap", "add learner", "promote", "demote",
                                            "remove"};
    return std::string(names[static_cast<int>(change->kind)]) + " " + change->node.short_hex();
  });
  append_entry(entry_type::config_change, encode(*change));
  broadcast_append();
}

std::optional<config_change> raft::next_change() const {
  // The first wanted change that keeps the group live.
  for (const auto& w : wanted_changes())
    if (keeps_quorum(w.change, w.margin))
      return w.change;
  return std::nullopt;
}

std::vector<raft::wanted_change> raft::wanted_changes() const {
  // In priority order: demote observers, remove departed members (at once)
  // and silent ones (after member_timeout), promote caught-up learners,
  // add bonded peers as learners.
  const auto& c = conf();
  std::vector<wanted_change> wanted;
  for (const auto& v : c.voters)
    if (v != id() && observer_peer(v))
      wanted.push_back({{change_kind::demote, v}, false});
  auto members = c.voters;
  members.insert(members.end(), c.learners.begin(), c.learners.end());
  for (const auto& p : members)
    if (p != id() && departed_.contains(p))
      wanted.push_back({{change_kind::remove, p}, false});
  bool silent_voter = false;
  for (const auto& p : members) {
    // Silence is only a guess, so its removal must leave room for one more
    // failure: shrinking three voters to two by silence is never done.
    if (p != id() && silent(p)) {
      wanted.push_back({{change_kind::remove, p}, true});
      silent_voter = silent_voter || is_voter(c, p);
    }
  }
  // A silent voter may be replaced first: one promotion beyond max_voters.
  auto room = cfg_.max_voters + (silent_voter ? 1 : 0);
  for (const auto& l : c.learners) {
    auto it = prs_.find(l);
    bool caught_up = it != prs_.end() && it->second.match >= log_.committed()
                     && now_ - it->second.last_heard < cfg_.ticks.election;
    if (c.voters.size() < room && caught_up && !observer_peer(l))
      wanted.push_back({{change_kind::promote, l}, false});
  }
  for (const auto& [p, info] : known_)
    if (!is_member(c, p) && !departed_.contains(p))
      wanted.push_back({{change_kind::add_learner, p}, false});
  return wanted;
}

bool raft::silent(const node_id& p) const {
  auto it = prs_.find(p);
  return it != prs_.end() && now_ - it->second.last_heard >= cfg_.ticks.member_timeout;
}

bool raft::keeps_quorum(const config_change& change, bool margin) const {
  // A new configuration is in force once appended (diss. §4.1), so even its
  // own entry commits only with a majority of the *new* voters. Propose a
  // change of voters only if such a majority answers right now (with
  // `margin`: even if one of them fails next), or the group can wedge on it
  // (etcd's strict reconfiguration check).
  auto next = apply_entry(conf(), entry{0, 0, entry_type::config_change, encode(change)});
  if (next.voters == conf().voters)
    return true;
  std::size_t active = 0;
  for (const auto& v : next.voters) {
    auto it = prs_.find(v);
    bool heard = it != prs_.end() && now_ - it->second.last_heard <= 2 * cfg_.ticks.heartbeat;
    if (v == id() || (heard && !departed_.contains(v)))
      ++active;
  }
  auto needed = majority(next.voters.size()) + (margin ? 1 : 0);
  return active >= needed;
}

bool raft::observer_peer(const node_id& p) const {
  auto k = known_.find(p);
  if (k != known_.end() && k->second.observer)
    return true;
  auto it = prs_.find(p);
  return it != prs_.end() && it->second.observer;
}

// -- peers -------------------------------------------------------------------------

void raft::peer_joined(const peer_info& p) {
  if (p.id == id())
    return;
  if (!p.lineage.is_zero()) {
    someone_bootstrapped_ = true;
    if (!lineage().is_zero() && p.lineage != lineage()) {
      report_split(p.id, p.lineage);
      return;
    }
  }
  known_[p.id] = p;
  departed_.erase(p.id);
}

void raft::peer_departed(const node_id& p) {
  known_.erase(p);
  departed_.insert(p);
}

void raft::peer_lost(const node_id& p) {
  known_.erase(p);
}

void raft::report_split(const node_id& peer, const digest& theirs) {
  if (!split_reported_.insert(peer).second)
    return;
  auto detail = "peer " + peer.short_hex() + " belongs to a group that bootstrapped apart (lineage "
                + theirs.short_hex() + ", ours " + lineage().short_hex()
                + "); refusing to merge";
  trace(log_level::error, [&] { return detail; });
  out_.errors.push_back({raft_errc::split_bootstrap, peer, std::move(detail)});
}

// -- bootstrap -----------------------------------------------------------------------

bool raft::is_fresh() const {
  return lineage().is_zero() && log_.last_index() == 0;
}

void raft::tick_bootstrap() {
  ++fresh_elapsed_;
  // Someone else's group exists (or a leader talks to us): wait to be added.
  if (cfg_.preference.is_observer() || someone_bootstrapped_ || leader_)
    return;
  // A reluctant node waits its factor longer, so a normal one has time to
  // bond and take the lead.
  auto reluctant = cfg_.preference.is_reluctant();
  auto delay = std::uint64_t{cfg_.ticks.bootstrap_delay} * (reluctant ? cfg_.preference.factor : 1);
  if (fresh_elapsed_ < delay)
    return;
  std::size_t candidates = 1;
  for (const auto& [p, info] : known_) {
    if (info.observer)
      continue;
    // Only the first bonded node in (reluctant, id) order bootstraps. If it
    // dies its bond breaks (peer_lost) and the next one takes over; lost
    // messages alone never make a second node bootstrap.
    if (std::pair{info.reluctant, p} < std::pair{reluctant, id()})
      return;
    ++candidates;
  }
  if (candidates >= cfg_.min_voters)
    bootstrap();
}

void raft::bootstrap() {
  config_change c{change_kind::bootstrap, id()};
  for (auto& b : c.nonce)
    b = static_cast<std::uint8_t>(rng_.next());
  become_candidate();
  caught_up_ = true;
  entry first{1, term_, entry_type::config_change, encode(c)};
  log_.append(std::span<const entry>(&first, 1));
  record_configs(std::span<const entry>(&first, 1));
  trace(log_level::info, [&] { return "bootstrapped lineage " + lineage().short_hex(); });
  // The sole voter's own vote is a majority (§5.2).
  become_leader();
}

} // namespace mosaik::raft
