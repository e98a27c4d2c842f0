#include "actors/core/raft/raw_node.hpp"

#include "actors/core/raft/coalesce.hpp"

namespace mosaik::raft {

expected<raw_node, storage_error> raw_node::create(config cfg, const storage& s, index_t applied) {
  raft r(std::move(cfg), s);
  auto loaded = r.load(applied);
  if (!loaded)
    return unexpected{loaded.error()};
  raw_node n(std::move(r));
  n.prev_soft_ = n.raft_.soft();
  n.prev_hard_ = n.raft_.hard();
  n.prev_config_ = n.raft_.conf();
  return n;
}

bool raw_node::has_ready() const {
  const auto& log = raft_.log();
  if (raft_.cfg().bugs.endless_ready)
    return true;
  return raft_.soft() != prev_soft_ || reported_hard() != prev_hard_ || raft_.conf() != prev_config_
         || !raft_.out().empty() || log.pending().snapshot() || !log.pending().entries().empty()
         || log.has_next_committed();
}

ready raw_node::take_ready() {
  ready rd;
  auto& log = raft_.log();
  if (auto soft = raft_.soft(); soft != prev_soft_)
    rd.soft = prev_soft_ = soft;
  if (auto hard = reported_hard(); hard != prev_hard_)
    rd.hard = prev_hard_ = hard;
  if (raft_.conf() != prev_config_)
    rd.config = prev_config_ = raft_.conf();
  rd.snapshot = log.pending().snapshot();
  rd.entries = log.pending().entries();
  auto committed = log.next_committed(raft_.cfg().max_apply_bytes);
  if (committed)
    rd.committed_entries = std::move(*committed);
  else
    raft_.fail("reading committed entries: " + committed.error().detail);

  handed_out h;
  if (!rd.entries.empty()) {
    h.last_index = rd.entries.back().index;
    h.last_term = rd.entries.back().term;
  }
  if (rd.snapshot)
    h.snapshot_index = rd.snapshot->index;
  h.applying = rd.committed_entries.empty()
                 ? (rd.snapshot ? rd.snapshot->index : log.applied())
                 : rd.committed_entries.back().index;
  handed_ = h;
  raft_.resolve_proposals(h.applying);

  auto& out = raft_.out();
  rd.messages = coalesce(std::move(out.messages), raft_.cfg().max_append_bytes);
  rd.proposals = std::move(out.proposals);
  rd.reads = std::move(out.reads);
  rd.errors = std::move(out.errors);
  rd.snapshot_needed = std::move(out.snapshot_needed);
  out = {};
  return rd;
}

void raw_node::advance() {
  if (!handed_)
    return;
  auto& log = raft_.log();
  if (handed_->snapshot_index) {
    log.stable_snapshot_to(*handed_->snapshot_index);
    log.applied_to(*handed_->snapshot_index);
  }
  if (handed_->last_index != 0)
    log.stable_to(handed_->last_index, handed_->last_term);
  log.applied_to(handed_->applying);
  handed_.reset();
}

hard_state raw_node::reported_hard() const {
  auto hs = raft_.hard();
  if (raft_.cfg().bugs.forget_vote_on_restart && hs.term == prev_hard_.term)
    hs.vote = prev_hard_.vote; // injected bug: the new vote is never persisted
  return hs;
}

node_status raw_node::status() const {
  return {raft_.soft(), raft_.hard(), raft_.log().applied(), raft_.log().last_index(),
          raft_.conf(), raft_.progress_of_followers()};
}

} // namespace mosaik::raft
