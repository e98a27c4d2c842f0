// Proposals and strong reads on behalf of this node's clients: served here
// when we lead, forwarded to the leader otherwise (FEATURES 6.5, fixed per
// its section 15 items 4 and 5).

#include "actors/core/raft/raft.hpp"

namespace mosaik::raft {

void raft::propose(std::uint64_t id, bytes command) {
  if (failed_ || proposals_.size() >= cfg_.max_pending || proposals_.contains(id)) {
    proposal_event_out(id, proposal_outcome::dropped);
    return;
  }
  if (role_ == role::leader) {
    auto index = append_entry(entry_type::command, std::move(command));
    broadcast_append();
    proposals_[id] = {index, term_, 0};
    proposal_event_out(id, proposal_outcome::accepted, index, term_);
  } else if (leader_ && role_ == role::follower) {
    send(*leader_, forward_proposal{id, term_, std::move(command)}, 0);
    proposals_[id] = {0, 0, now_ + cfg_.ticks.forward_timeout};
  } else {
    proposal_event_out(id, proposal_outcome::no_leader);
  }
}

void raft::read_index(std::uint64_t id) {
  if (failed_ || forwarded_reads_.size() >= cfg_.max_pending) {
    read_event_out(id, read_outcome::dropped);
  } else if (role_ == role::leader) {
    leader_read(id, std::nullopt);
  } else if (leader_ && role_ == role::follower) {
    // diss. §6.4: a follower asks the leader for a confirmed read index.
    send(*leader_, forward_read{id}, 0);
    forwarded_reads_[id] = now_ + cfg_.ticks.forward_timeout;
  } else {
    read_event_out(id, read_outcome::no_leader);
  }
}

void raft::step_forward(const message& m) {
  if (auto* p = std::get_if<forward_proposal>(&m.body)) {
    if (role_ == role::leader && term_ == p->term) {
      accept_forward(m.from, *p);
    } else {
      // A refusal is definite only if we never led that term: a node that
      // led it may have appended this proposal (or a copy the network
      // duplicated) before stepping down or crashing. Leading a term means
      // voting for ourselves in it, and the vote is durable.
      bool never_led = term_ < p->term || (term_ == p->term && vote_ != id());
      auto answer = never_led ? forward_answer::not_leader : forward_answer::unknown;
      send(m.from, proposal_response{p->id, answer, 0, 0}, 0);
    }
  } else if (auto* r = std::get_if<forward_read>(&m.body)) {
    if (role_ == role::leader)
      leader_read(r->id, m.from);
    else
      send(m.from, read_response{r->id, false, 0}, 0);
  } else if (auto* pr = std::get_if<proposal_response>(&m.body)) {
    on_proposal_response(*pr);
  } else if (auto* rr = std::get_if<read_response>(&m.body)) {
    on_read_response(*rr);
  }
}

void raft::accept_forward(const node_id& from, const forward_proposal& p) {
  // The network may deliver a forward twice: append it once, and answer the
  // copy with the same (index, term).
  auto key = std::make_pair(from, p.id);
  auto it = forwarded_.find(key);
  if (it == forwarded_.end()) {
    auto index = append_entry(entry_type::command, p.command);
    broadcast_append();
    it = forwarded_.emplace(key, std::make_pair(index, term_)).first;
    forwarded_order_.push_back(key);
    if (forwarded_order_.size() > 4 * cfg_.max_pending) {
      forwarded_.erase(forwarded_order_.front());
      forwarded_order_.pop_front();
    }
  }
  send(from, proposal_response{p.id, forward_answer::accepted, it->second.first, it->second.second},
       0);
}

void raft::on_proposal_response(const proposal_response& r) {
  auto it = proposals_.find(r.id);
  if (it == proposals_.end() || it->second.index != 0)
    return; // answered already, or timed out (duplicates are possible)
  if (r.answer != forward_answer::accepted) {
    proposals_.erase(it);
    proposal_event_out(r.id, r.answer == forward_answer::not_leader ? proposal_outcome::dropped
                                                                    : proposal_outcome::unknown);
    return;
  }
  it->second = {r.index, r.term, 0};
  proposal_event_out(r.id, proposal_outcome::accepted, r.index, r.term);
}

void raft::on_read_response(const read_response& r) {
  auto it = forwarded_reads_.find(r.id);
  if (it == forwarded_reads_.end())
    return;
  forwarded_reads_.erase(it);
  read_event_out(r.id, r.ok ? read_outcome::ready : read_outcome::dropped, r.index);
}

void raft::expire_forwards() {
  for (auto it = proposals_.begin(); it != proposals_.end();) {
    if (it->second.index == 0 && it->second.deadline <= now_) {
      // The leader may still have appended it: the outcome is unknown.
      proposal_event_out(it->first, proposal_outcome::unknown);
      it = proposals_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = forwarded_reads_.begin(); it != forwarded_reads_.end();) {
    if (it->second <= now_) {
      read_event_out(it->first, read_outcome::timeout);
      it = forwarded_reads_.erase(it);
    } else {
      ++it;
    }
  }
}

void raft::resolve_proposals(index_t upto) {
  for (auto it = proposals_.begin(); it != proposals_.end();) {
    auto [index, term, deadline] = it->second;
    if (index == 0 || index > upto) {
      ++it;
      continue;
    }
    // The proposal resolves only if exactly (index, term) committed; any
    // other entry there means it never will (log matching, §5.3).
    auto t = log_.term(index);
    auto outcome = !t                ? proposal_outcome::unknown
                   : *t == term      ? proposal_outcome::committed
                                     : proposal_outcome::leader_changed;
    proposal_event_out(it->first, outcome, index, term);
    it = proposals_.erase(it);
  }
}

void raft::proposal_event_out(std::uint64_t id, proposal_outcome o, index_t i, term_t t) {
  out_.proposals.push_back({id, o, i, t});
}

void raft::read_event_out(std::uint64_t id, read_outcome o, index_t i) {
  out_.reads.push_back({id, o, i});
}

} // namespace mosaik::raft
