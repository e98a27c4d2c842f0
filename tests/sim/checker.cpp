#include "tests/sim/checker.hpp"

#include "tests/sim/trace_hash.hpp"

namespace mosaik::sim {

void checker::fail(std::string what) {
  if (!violation_)
    violation_ = std::move(what);
}

std::uint64_t checker::hash_of(const raft::entry& e) {
  trace_hash h;
  h.add(static_cast<std::uint64_t>(e.type));
  h.add(std::string_view(reinterpret_cast<const char*>(e.data.data()), e.data.size()));
  return h.value();
}

void checker::on_leader(const node_key& n, raft::term_t term, const raft::storage& log,
                        raft::index_t last_index, const std::string& who) {
  auto [it, fresh] = leaders_.emplace(term, n.id);
  if (!fresh && it->second != n.id) {
    fail("election safety: two leaders in term " + std::to_string(term) + ": "
         + it->second.short_hex() + " and " + who);
    return;
  }
  // Leader completeness (§5.4): an entry committed in a term is in the log
  // of every leader of a later term.
  auto floor = log.snapshot().index;
  for (const auto& [index, id] : committed_) {
    if (index < floor || committed_in_[index] >= term)
      continue;
    auto t = log.term(index);
    if (index > last_index || !t || *t != id.term) {
      fail("leader completeness: " + who + " leads term " + std::to_string(term)
           + " without committed entry " + std::to_string(index) + " (term "
           + std::to_string(id.term) + ")");
      return;
    }
  }
}

void checker::on_entries(const node_key&, const raft::storage& log,
                         const std::vector<raft::entry>& appended, const std::string& who) {
  for (const auto& e : appended) {
    auto prev = e.index == 1 ? raft::storage_result<raft::term_t>(raft::term_t{0})
                             : log.term(e.index - 1);
    if (!prev)
      continue;
    auto value = std::make_pair(hash_of(e), *prev);
    auto [it, fresh] = logged_[e.index].emplace(e.term, value);
    if (!fresh && it->second != value && e.index == 1) {
      fail("bootstrap split: " + who + " bootstrapped a second group");
      return;
    }
    if (!fresh && it->second != value) {
      fail("log matching: " + who + " holds a different entry or prefix at index "
           + std::to_string(e.index) + " term " + std::to_string(e.term));
      return;
    }
  }
}

void checker::on_commit(const node_key&, const raft::storage& log, raft::index_t from,
                        raft::index_t to, raft::term_t term, const std::string& who) {
  for (auto i = std::max(from + 1, log.first_index()); i <= to; ++i) {
    auto ents = log.entries(i, i + 1, 0);
    if (!ents || ents->empty()) {
      fail("commit: " + who + " committed index " + std::to_string(i) + " it does not hold");
      return;
    }
    entry_id id{ents->front().term, hash_of(ents->front())};
    auto [it, fresh] = committed_.emplace(i, id);
    auto [when, first] = committed_in_.emplace(i, term);
    if (!first)
      when->second = std::min(when->second, term);
    if (!fresh && it->second != id) {
      fail("committed entry changed: " + who + " committed term " + std::to_string(id.term)
           + " at index " + std::to_string(i) + ", another node committed term "
           + std::to_string(it->second.term));
      return;
    }
    max_committed_ = std::max(max_committed_, i);
  }
}

void checker::on_apply(const raft::entry& e, std::uint64_t state_hash, const std::string& who) {
  entry_id id{e.term, hash_of(e)};
  auto [it, fresh] = applied_.emplace(e.index, id);
  if (!fresh && it->second != id) {
    fail("state machine safety: " + who + " applied a different entry at index "
         + std::to_string(e.index));
    return;
  }
  on_snapshot_state(e.index, state_hash, who);
}

void checker::on_snapshot_state(raft::index_t index, std::uint64_t state_hash,
                                const std::string& who) {
  auto [it, fresh] = states_.emplace(index, state_hash);
  if (!fresh && it->second != state_hash)
    fail("replica divergence: " + who + " has a different state at applied index "
         + std::to_string(index));
}

void checker::on_vote(const node_key& voter, raft::term_t term, const raft::node_id& candidate,
                      const std::string& who) {
  auto [it, fresh] = votes_.emplace(std::make_tuple(voter.id, voter.generation, term), candidate);
  if (!fresh && it->second != candidate)
    fail("vote durability: " + who + " voted for " + it->second.short_hex() + " and "
         + candidate.short_hex() + " in term " + std::to_string(term));
}

void checker::on_durable(const node_key& n, const raft::hard_state& hs, const std::string& who) {
  auto [it, fresh] = durable_.emplace(n, hs);
  if (fresh)
    return;
  const auto& prev = it->second;
  if (hs.term < prev.term)
    fail("monotonicity: durable term of " + who + " went back from " + std::to_string(prev.term)
         + " to " + std::to_string(hs.term));
  else if (hs.commit < prev.commit)
    fail("monotonicity: durable commit of " + who + " went back from "
         + std::to_string(prev.commit) + " to " + std::to_string(hs.commit));
  else if (hs.term == prev.term && prev.vote && hs.vote != prev.vote)
    fail("vote durability: " + who + " changed its durable vote in term "
         + std::to_string(hs.term));
  it->second = hs;
}

void checker::on_send(const raft::storage& durable, const raft::message& m,
                      const raft::storage* leader_log, const std::string& who) {
  auto hs = durable.initial_hard_state();
  auto* vote = std::get_if<raft::vote_response>(&m.body);
  auto* request = std::get_if<raft::vote_request>(&m.body);
  // A pre-vote speaks for a term nobody is in yet; forwards carry no term.
  bool pre_vote = (vote && vote->pre_vote) || (request && request->pre_vote);
  if (!pre_vote && m.term > hs.term)
    return fail("ready contract: " + who + " sent " + std::string(raft::kind_name(m))
                + " in term " + std::to_string(m.term) + " with durable term "
                + std::to_string(hs.term));
  if (vote && vote->granted && !vote->pre_vote && (hs.term != m.term || hs.vote != m.to))
    return fail("ready contract: " + who + " granted its vote in term " + std::to_string(m.term)
                + " to " + m.to.short_hex() + " but its durable vote is "
                + (hs.vote ? hs.vote->short_hex() : std::string("none")) + " in term "
                + std::to_string(hs.term));
  if (auto* ack = std::get_if<raft::append_response>(&m.body); ack && !ack->reject)
    check_ack(durable, m, ack->index, leader_log, who);
}

void checker::check_ack(const raft::storage& durable, const raft::message& m,
                        raft::index_t index, const raft::storage* leader_log,
                        const std::string& who) {
  if (index > durable.last_index())
    return fail("ready contract: " + who + " acknowledged index " + std::to_string(index)
                + " in term " + std::to_string(m.term) + " but holds only up to "
                + std::to_string(durable.last_index()) + " durably");
  if (!leader_log)
    return;
  auto ours = durable.term(index);
  auto theirs = leader_log->term(index);
  if (ours && theirs && *ours != *theirs)
    fail("ready contract: " + who + " acknowledged index " + std::to_string(index) + " in term "
         + std::to_string(m.term) + " holding term " + std::to_string(*ours)
         + " there durably, the leader holds term " + std::to_string(*theirs));
}

void checker::on_applied(const node_key& n, std::uint64_t incarnation, raft::index_t applied,
                         const std::string& who) {
  auto& mark = applied_marks_[{n, incarnation}];
  if (applied < mark)
    fail("monotonicity: applied index of " + who + " went back from " + std::to_string(mark)
         + " to " + std::to_string(applied));
  mark = std::max(mark, applied);
}

} // namespace mosaik::sim
