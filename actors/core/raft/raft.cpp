#include "actors/core/raft/raft.hpp"

#include "actors/core/raft/quorum.hpp"

#include <algorithm>

namespace mosaik::raft {

namespace {

/// A batch is received as each of its messages in turn (coalesce.hpp).
template <class Item>
void step_each(raft& r, const message& batch, const std::vector<Item>& items) {
  for (const auto& item : items)
    r.step(message{batch.from, batch.to, batch.term, batch.lineage, item});
}

} // namespace

bool raft::outbox::empty() const {
  return messages.empty() && proposals.empty() && reads.empty() && errors.empty()
         && !snapshot_needed;
}

raft::raft(config cfg, const storage& s) : cfg_(std::move(cfg)), rng_(cfg_.rng_seed), log_(s) {
  auto hs = s.initial_hard_state();
  term_ = hs.term;
  vote_ = hs.vote;
  auto snap = s.snapshot();
  confs_.emplace_back(snap.index, snap.config);
  caught_up_ = s.last_index() != 0;
  become_follower(term_, std::nullopt);
}

storage_result<bool> raft::load(index_t applied) {
  auto first = log_.first_index();
  auto ents = log_.slice(first, log_.last_index() + 1, ~std::size_t{0});
  if (!ents) {
    fail("reading the log: " + ents.error().detail);
    return unexpected{ents.error()};
  }
  record_configs(*ents);
  compress_configs();
  log_.applied_to(applied);
  return true;
}

void raft::fail(std::string detail) {
  if (failed_)
    return;
  failed_ = true;
  trace(log_level::error, [&] { return "storage failed, node stopped: " + detail; });
  out_.errors.push_back({raft_errc::storage, std::nullopt, std::move(detail)});
}

// -- inputs --------------------------------------------------------------------

void raft::tick() {
  if (failed_)
    return;
  ++now_;
  expire_forwards();
  if (role_ == role::leader)
    tick_leader();
  else
    tick_election();
}

void raft::step(const message& m) {
  if (auto* b = std::get_if<forward_proposal_batch>(&m.body))
    return step_each(*this, m, b->proposals);
  if (auto* b = std::get_if<proposal_response_batch>(&m.body))
    return step_each(*this, m, b->responses);
  if (failed_ || m.from == id() || !accept_lineage(m))
    return;
  if (is_member(conf(), m.from)) // bounded: members only
    last_heard_[m.from] = now_;
  if (is_forward(m)) {
    step_forward(m);
    return;
  }
  if (m.term > term_) {
    if (!on_higher_term(m))
      return;
  } else if (m.term < term_) {
    on_lower_term(m);
    return;
  }
  if (std::holds_alternative<vote_request>(m.body)) {
    handle_vote_request(m);
    return;
  }
  (this->*step_)(m);
}

// -- term rules ----------------------------------------------------------------

bool raft::accept_lineage(const message& m) {
  if (!m.lineage.is_zero())
    someone_bootstrapped_ = true;
  const auto& ours = lineage();
  if (ours.is_zero() || m.lineage.is_zero() || m.lineage == ours)
    return true;
  // Two groups that bootstrapped apart never mix logs: committed entries on
  // either side would be lost.
  report_split(m.from, m.lineage);
  return false;
}

bool raft::on_higher_term(const message& m) {
  if (auto* v = std::get_if<vote_request>(&m.body)) {
    // diss. §4.2.3: while we hear from a leader, a candidate is a disrupting
    // server (e.g. one that was removed); ignore it without taking its term.
    bool in_lease = cfg_.check_quorum && leader_ && election_elapsed_ < cfg_.ticks.election;
    if (in_lease) {
      trace(log_level::debug, [&] { return "ignored vote from " + m.from.short_hex() + " in lease"; });
      return false;
    }
    // diss. §9.6: a pre-vote never changes anyone's term.
    if (v->pre_vote)
      return true;
  }
  if (auto* r = std::get_if<vote_response>(&m.body); r && r->pre_vote && r->granted)
    return true; // granted for the term we would campaign in; not a newer term
  // §5.1: a newer term makes us a follower of it.
  bool from_leader = std::holds_alternative<append_request>(m.body)
                     || std::holds_alternative<heartbeat_request>(m.body)
                     || std::holds_alternative<snapshot_request>(m.body);
  become_follower(m.term, from_leader ? std::optional<node_id>{m.from} : std::nullopt);
  return true;
}

void raft::on_lower_term(const message& m) {
  // Figure 13 rule 1 answers a stale snapshot request the same way.
  bool from_leader = std::holds_alternative<append_request>(m.body)
                     || std::holds_alternative<heartbeat_request>(m.body)
                     || std::holds_alternative<snapshot_request>(m.body);
  if (from_leader && (cfg_.check_quorum || cfg_.pre_vote)) {
    // A stale leader cut off by a partition learns our term and steps down;
    // with pre-vote it could otherwise never be told (etcd raft.go).
    send(m.from, append_response{});
  } else if (auto* v = std::get_if<vote_request>(&m.body); v && v->pre_vote) {
    send(m.from, vote_response{true, false});
  }
}

void raft::handle_vote_request(const message& m) {
  const auto& v = std::get<vote_request>(m.body);
  // §5.2: one vote per term, first come first served; a pre-vote for a
  // later term commits us to nothing.
  bool can_vote = vote_ == m.from || (!vote_ && !leader_) || (v.pre_vote && m.term > term_);
  // Observers never vote. A node holding none of the log (new, or wiped)
  // never votes: it may have forgotten a vote it gave.
  bool eligible = !cfg_.preference.is_observer() && !lineage().is_zero();
  // §5.4.1: only for a candidate whose log is at least as up-to-date.
  bool up_to_date = log_.is_up_to_date(v.last_index, v.last_term);
  if (can_vote && eligible && up_to_date) {
    send(m.from, vote_response{v.pre_vote, true}, m.term);
    if (!v.pre_vote) {
      election_elapsed_ = 0;
      vote_ = m.from;
    }
    trace(log_level::debug, [&] {
      return std::string(v.pre_vote ? "pre-vote" : "vote") + " granted to " + m.from.short_hex();
    });
  } else {
    send(m.from, vote_response{v.pre_vote, false});
  }
}

// -- roles ---------------------------------------------------------------------

void raft::reset(term_t term) {
  if (term_ != term) {
    term_ = term;
    vote_.reset();
  }
  leader_.reset();
  election_elapsed_ = 0;
  heartbeat_elapsed_ = 0;
  reset_election_timeout();
  votes_.clear();
  prs_.clear();
  pending_conf_index_ = 0;
  forwarded_.clear();
  forwarded_order_.clear();
  drop_reads();
}

void raft::reset_election_timeout() {
  // §5.2: randomized timeouts make split votes rare.
  auto base = cfg_.ticks.election + rng_.below(std::uint64_t{cfg_.ticks.election_jitter} + 1);
  if (cfg_.preference.preference == leadership::kind::reluctant)
    base *= std::max<std::uint32_t>(1, cfg_.preference.factor);
  randomized_timeout_ = static_cast<std::uint32_t>(base);
}

void raft::become_follower(term_t term, std::optional<node_id> leader) {
  reset(term);
  role_ = role::follower;
  leader_ = std::move(leader);
  step_ = &raft::step_follower;
}

void raft::become_pre_candidate() {
  // diss. §9.6: neither the term nor the vote change during a pre-vote.
  votes_.clear();
  leader_.reset();
  role_ = role::pre_candidate;
  step_ = &raft::step_candidate;
}

void raft::become_candidate() {
  reset(term_ + 1);
  vote_ = id();
  role_ = role::candidate;
  step_ = &raft::step_candidate;
  trace(log_level::info, [] { return std::string("campaigning"); });
}

void raft::campaign(bool pre_vote) {
  if (pre_vote)
    become_pre_candidate();
  else
    become_candidate();
  auto vote_term = pre_vote ? term_ + 1 : term_;
  votes_[id()] = true;
  auto voters = quorum_voters();
  auto granted = static_cast<std::size_t>(std::count(voters.begin(), voters.end(), id()));
  if (tally(voters.size(), granted, 0) == vote_result::won) {
    if (pre_vote)
      campaign(false);
    else
      become_leader();
    return;
  }
  for (const auto& v : conf().voters)
    if (v != id())
      send(v, vote_request{pre_vote, log_.last_index(), log_.last_term()}, vote_term);
}

void raft::step_follower(const message& m) {
  if (std::holds_alternative<append_request>(m.body)) {
    election_elapsed_ = 0;
    leader_ = m.from;
    handle_append(m);
  } else if (std::holds_alternative<heartbeat_request>(m.body)) {
    election_elapsed_ = 0;
    leader_ = m.from;
    handle_heartbeat(m);
  } else if (std::holds_alternative<snapshot_request>(m.body)) {
    election_elapsed_ = 0;
    leader_ = m.from;
    handle_snapshot(m);
  }
}

void raft::step_candidate(const message& m) {
  bool from_leader = std::holds_alternative<append_request>(m.body)
                     || std::holds_alternative<heartbeat_request>(m.body)
                     || std::holds_alternative<snapshot_request>(m.body);
  if (from_leader) {
    // §5.2: a leader of our term exists; we lost.
    become_follower(m.term, m.from);
    step_follower(m);
    return;
  }
  auto* r = std::get_if<vote_response>(&m.body);
  if (!r || r->pre_vote != (role_ == role::pre_candidate) || !is_voter(conf(), m.from))
    return;
  // A pre-vote is granted for the term we would campaign in: a grant for
  // our own term answers a round we ran before the last term change.
  if (r->pre_vote && r->granted && m.term != term_ + 1)
    return;
  votes_.emplace(m.from, r->granted);
  std::size_t granted = 0;
  std::size_t rejected = 0;
  auto voters = quorum_voters();
  for (const auto& v : voters) {
    auto it = votes_.find(v);
    if (it != votes_.end())
      ++(it->second ? granted : rejected);
  }
  switch (tally(voters.size(), granted, rejected)) {
    case vote_result::won:
      if (role_ == role::pre_candidate)
        campaign(false);
      else
        become_leader();
      break;
    case vote_result::lost:
      become_follower(term_, std::nullopt);
      break;
    case vote_result::pending:
      break;
  }
}

void raft::tick_election() {
  if (is_fresh()) {
    tick_bootstrap();
    return;
  }
  ++election_elapsed_;
  if (promotable() && election_elapsed_ >= randomized_timeout_) {
    election_elapsed_ = 0;
    campaign(cfg_.pre_vote);
  }
}

bool raft::promotable() const {
  return caught_up_ && !cfg_.preference.is_observer() && !lineage().is_zero()
         && is_voter(conf(), id());
}

std::vector<node_id> raft::quorum_voters() const {
  if (!cfg_.bugs.connected_quorum)
    return conf().voters;
  // Injected bug (the original's "dynamic quorum"): count only voters heard
  // from within an election timeout, so an isolated node is its own majority.
  std::vector<node_id> connected;
  for (const auto& v : conf().voters) {
    auto it = last_heard_.find(v);
    if (v == id() || (it != last_heard_.end() && now_ - it->second < cfg_.ticks.election))
      connected.push_back(v);
  }
  return connected;
}

void raft::send(const node_id& to, message_body body, term_t term) {
  out_.messages.push_back(message{id(), to, term, lineage(), std::move(body)});
}

} // namespace mosaik::raft
