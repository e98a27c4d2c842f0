#include "actors/core/raft/progress.hpp"

#include <algorithm>

namespace mosaik::raft {

std::string_view to_string(progress_state s) {
  switch (s) {
    case progress_state::probe: return "probe";
    case progress_state::replicate: return "replicate";
    case progress_state::snapshot: return "snapshot";
  }
  return "?";
}

void progress::become_probe() {
  // After a snapshot, resume right after it: the follower has it now.
  auto floor = st == state::snapshot ? std::max(match, pending_snapshot) : match;
  st = state::probe;
  next = floor + 1;
  pending_snapshot = 0;
  probe_sent = false;
  inflight_.clear();
}

void progress::become_replicate() {
  st = state::replicate;
  next = match + 1;
  probe_sent = false;
  inflight_.clear();
}

void progress::become_snapshot(index_t snapshot_index, std::uint64_t now_tick) {
  st = state::snapshot;
  pending_snapshot = snapshot_index;
  snapshot_tick = now_tick;
  probe_sent = false;
  inflight_.clear();
}

bool progress::maybe_update(index_t n) {
  bool updated = false;
  if (match < n) {
    match = n;
    updated = true;
    probe_sent = false;
  }
  next = std::max(next, n + 1);
  while (!inflight_.empty() && inflight_.front() <= n)
    inflight_.pop_front();
  return updated;
}

bool progress::maybe_decrease_to(index_t rejected, index_t hint) {
  if (st == state::replicate) {
    // Stale if it refers to something the follower already matched.
    if (rejected <= match)
      return false;
    next = match + 1;
    inflight_.clear();
    return true;
  }
  // In probe, only the rejection of the append we sent last counts.
  if (next == 0 || next - 1 != rejected)
    return false;
  next = std::max(std::min(rejected, hint + 1), match + 1);
  probe_sent = false;
  return true;
}

void progress::sent_entries(index_t last) {
  if (st == state::replicate) {
    next = last + 1;
    inflight_.push_back(last);
  } else if (st == state::probe) {
    probe_sent = true;
  }
}

void progress::free_first_inflight() {
  if (!inflight_.empty())
    inflight_.pop_front();
}

bool progress::is_paused() const {
  switch (st) {
    case state::probe: return probe_sent;
    case state::replicate: return inflight_.size() >= max_inflight_;
    case state::snapshot: return true;
  }
  return true;
}

} // namespace mosaik::raft
