// The leader: replication, commitment, heartbeats, check-quorum and
// ReadIndex confirmation.

#include "actors/core/raft/quorum.hpp"
#include "actors/core/raft/raft.hpp"

#include <algorithm>
#include <limits>

namespace mosaik::raft {

void raft::become_leader() {
  reset(term_);
  role_ = role::leader;
  leader_ = id();
  step_ = &raft::step_leader;
  sync_progress();
  // One configuration change at a time (diss. §4.1): whatever change is in
  // our log may still be uncommitted, so wait for all of it first.
  pending_conf_index_ = log_.last_index();
  trace(log_level::info, [] { return std::string("became leader"); });
  // §8 and §5.4.2: a new leader commits a no-op of its own term, which
  // commits everything before it and tells it the commit index (needed for
  // ReadIndex, diss. §6.4).
  if (!cfg_.bugs.commit_previous_term)
    append_entry(entry_type::noop, {});
  maybe_commit(); // a sole voter commits at once
  broadcast_append();
}

void raft::step_leader(const message& m) {
  if (std::holds_alternative<append_response>(m.body))
    handle_append_response(m);
  else if (std::holds_alternative<heartbeat_response>(m.body))
    handle_heartbeat_response(m);
  else if (std::holds_alternative<append_request>(m.body))
    trace(log_level::error, [&] { return "second leader in our term: " + m.from.short_hex(); });
}

void raft::tick_leader() {
  ++heartbeat_elapsed_;
  ++election_elapsed_;
  if (election_elapsed_ >= cfg_.ticks.election) {
    election_elapsed_ = 0;
    // diss. §6.2 (check-quorum): a leader that has not heard from a majority
    // within an election timeout steps down, so clients go elsewhere.
    if (cfg_.check_quorum && !quorum_active()) {
      trace(log_level::info, [] { return std::string("lost contact with a majority"); });
      become_follower(term_, std::nullopt);
      return;
    }
  }
  if (heartbeat_elapsed_ >= cfg_.ticks.heartbeat) {
    heartbeat_elapsed_ = 0;
    broadcast_heartbeat();
  }
  reconcile_membership();
}

index_t raft::append_entry(entry_type type, bytes data) {
  entry e{log_.last_index() + 1, term_, type, std::move(data)};
  log_.append(std::span<const entry>(&e, 1));
  if (type == entry_type::config_change) {
    // diss. §4.1: a configuration is in force as soon as it is in the log.
    record_configs(std::span<const entry>(&e, 1));
    pending_conf_index_ = e.index;
  }
  if (auto it = prs_.find(id()); it != prs_.end())
    it->second.maybe_update(e.index);
  maybe_commit();
  return e.index;
}

void raft::broadcast_append() {
  for (auto& [peer, pr] : prs_)
    if (peer != id())
      send_append(peer);
}

bool raft::send_append(const node_id& to, bool send_if_empty) {
  auto it = prs_.find(to);
  if (it == prs_.end() || it->second.is_paused())
    return false;
  auto& pr = it->second;
  pr.next = std::min(pr.next, log_.last_index() + 1);
  auto prev_index = pr.next - 1;
  auto prev_term = log_.term(prev_index);
  auto ents = log_.slice(pr.next, log_.last_index() + 1, cfg_.max_append_bytes);
  if (!prev_term || !ents) {
    auto& err = prev_term ? ents.error() : prev_term.error();
    if (err.code == storage_errc::compacted)
      return send_snapshot(to, pr);
    fail("reading entries for " + to.short_hex() + ": " + err.detail);
    return false;
  }
  if (ents->empty() && !send_if_empty)
    return false;
  if (!ents->empty())
    pr.sent_entries(ents->back().index);
  else if (pr.st == progress::state::probe)
    pr.probe_sent = true;
  send(to, append_request{prev_index, *prev_term, std::move(*ents), log_.committed()});
  return true;
}

std::map<node_id, progress_status> raft::progress_of_followers() const {
  std::map<node_id, progress_status> out;
  if (role_ != role::leader)
    return out;
  for (const auto& [peer, pr] : prs_)
    if (peer != id())
      out[peer] = {pr.match, pr.next, pr.st, pr.in_flight(), pr.pending_snapshot,
                   pr.recent_active};
  return out;
}

bool raft::send_snapshot(const node_id& to, progress& pr) {
  // The follower needs entries we compacted: it catches up through state
  // sync from this snapshot position (DESIGN §5).
  if (!pr.recent_active)
    return false;
  auto meta = log_.snapshot();
  pr.become_snapshot(meta.index, now_);
  send(to, snapshot_request{std::move(meta)});
  trace(log_level::info, [&] { return "snapshot needed by " + to.short_hex(); });
  return true;
}

void raft::broadcast_heartbeat() {
  auto round = reads_.round_for_heartbeat();
  for (auto& [peer, pr] : prs_) {
    if (peer == id())
      continue;
    // Never tell a follower to commit beyond what it is known to hold.
    send(peer, heartbeat_request{std::min(pr.match, log_.committed()), round});
  }
}

void raft::note_response(progress& pr, bool observer) {
  pr.recent_active = true;
  pr.last_heard = now_;
  pr.observer = observer;
}

void raft::handle_append_response(const message& m) {
  auto it = prs_.find(m.from);
  if (it == prs_.end())
    return;
  auto& pr = it->second;
  const auto& r = std::get<append_response>(m.body);
  note_response(pr, r.observer);
  if (r.reject) {
    // §5.3: back up and retry until the logs match.
    if (pr.maybe_decrease_to(r.index, r.hint)) {
      if (pr.st == progress::state::replicate)
        pr.become_probe();
      send_append(m.from);
    }
    return;
  }
  if (!pr.maybe_update(r.index))
    return;
  if (pr.st == progress::state::probe)
    pr.become_replicate();
  else if (pr.st == progress::state::snapshot && pr.match >= pr.pending_snapshot)
    pr.become_probe();
  if (maybe_commit())
    broadcast_append();
  while (role_ == role::leader && send_append(m.from, false)) {
  }
}

void raft::handle_heartbeat_response(const message& m) {
  auto it = prs_.find(m.from);
  if (it == prs_.end())
    return;
  auto& pr = it->second;
  const auto& r = std::get<heartbeat_response>(m.body);
  note_response(pr, r.observer);
  pr.probe_sent = false;
  if (pr.st == progress::state::replicate && pr.is_paused())
    pr.free_first_inflight();
  // State sync did not finish within an election timeout: offer again.
  if (pr.st == progress::state::snapshot && now_ - pr.snapshot_tick >= cfg_.ticks.election)
    pr.become_probe();
  if (pr.match < log_.last_index())
    send_append(m.from);
  pr.read_ack = std::max(pr.read_ack, r.read_seq);
  release_reads();
}

bool raft::maybe_commit() {
  std::vector<std::uint64_t> matches;
  for (const auto& v : quorum_voters()) {
    auto it = prs_.find(v);
    matches.push_back(v == id() ? log_.last_index() : it == prs_.end() ? 0 : it->second.match);
  }
  auto n = quorum_value(std::move(matches));
  if (n <= log_.committed())
    return false;
  // §5.4.2: only an entry of the current term is committed by counting
  // replicas; earlier ones are committed indirectly by it (Figure 8).
  auto t = log_.term(n);
  if (!cfg_.bugs.commit_previous_term && (!t || *t != term_))
    return false;
  log_.commit_to(n);
  on_leader_commit();
  return true;
}

void raft::on_leader_commit() {
  after_commit();
  // diss. §6.4: reads wait until this term has committed an entry.
  if (committed_in_term() && !reads_before_commit_.empty()) {
    auto waiting = std::move(reads_before_commit_);
    reads_before_commit_.clear();
    for (auto& r : waiting)
      leader_read(r.id, std::move(r.from));
  }
  // diss. §4.2.2: a leader removed from the configuration steps down once
  // the change is committed.
  if (!is_voter(conf(), id()) && pending_conf_index_ <= log_.committed()) {
    trace(log_level::info, [] { return std::string("stepping down: no longer a voter"); });
    become_follower(term_, std::nullopt);
  }
}

bool raft::committed_in_term() const {
  auto t = log_.term(log_.committed());
  return t && *t == term_;
}

bool raft::quorum_active() {
  std::size_t active = 0;
  auto voters = quorum_voters();
  for (const auto& v : voters) {
    auto it = prs_.find(v);
    if (v == id() || (it != prs_.end() && it->second.recent_active))
      ++active;
  }
  for (auto& [peer, pr] : prs_)
    pr.recent_active = false;
  return active >= majority(voters.size());
}

void raft::leader_read(std::uint64_t id, std::optional<node_id> from) {
  if (cfg_.bugs.stale_read) {
    // Injected bug (the original's strong query): answer from local state
    // without confirming we are still the leader.
    serve_read({id, std::move(from), log_.committed(), 0}, log_.committed());
    return;
  }
  if (reads_.size() + reads_before_commit_.size() >= cfg_.max_pending) {
    serve_read({id, std::move(from), 0, 0}, std::nullopt);
    return;
  }
  if (!committed_in_term()) {
    reads_before_commit_.push_back({id, std::move(from), 0, 0});
    return;
  }
  // diss. §6.4: remember the commit index, then confirm leadership with a
  // heartbeat round acknowledged by a majority before serving it.
  reads_.add(id, std::move(from), log_.committed());
  broadcast_heartbeat();
  release_reads();
}

void raft::release_reads() {
  if (reads_.empty())
    return;
  std::vector<std::uint64_t> acks;
  for (const auto& v : quorum_voters()) {
    auto it = prs_.find(v);
    acks.push_back(v == id() ? std::numeric_limits<std::uint64_t>::max()
                   : it == prs_.end() ? 0
                                      : it->second.read_ack);
  }
  for (const auto& r : reads_.release(quorum_value(std::move(acks))))
    serve_read(r, r.index);
}

void raft::serve_read(const pending_read& r, std::optional<index_t> index) {
  if (r.from)
    send(*r.from, read_response{r.id, index.has_value(), index.value_or(0)}, 0);
  else
    read_event_out(r.id, index ? read_outcome::ready : read_outcome::dropped, index.value_or(0));
}

void raft::drop_reads() {
  auto all = reads_.take_all();
  all.insert(all.end(), reads_before_commit_.begin(), reads_before_commit_.end());
  reads_before_commit_.clear();
  reads_ = read_only{};
  for (const auto& r : all)
    serve_read(r, std::nullopt);
}

} // namespace mosaik::raft
