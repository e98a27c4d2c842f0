#include "actors/core/raft/raft_log.hpp"

#include "actors/core/check.hpp"

#include <algorithm>
#include <string>

namespace mosaik::raft {

raft_log::raft_log(const storage& s)
  : storage_(&s), unstable_(s.last_index() + 1), committed_(s.first_index() - 1),
    applied_(committed_), applying_(committed_) {
  // Never claim less than the durable commit: it was sent to the state
  // machine already.
  committed_ = std::max(committed_, std::min(s.initial_hard_state().commit, s.last_index()));
}

index_t raft_log::first_index() const {
  if (auto i = unstable_.maybe_first_index())
    return *i;
  return storage_->first_index();
}

index_t raft_log::last_index() const {
  if (auto i = unstable_.maybe_last_index())
    return *i;
  return storage_->last_index();
}

term_t raft_log::last_term() const {
  auto t = term(last_index());
  return t ? *t : 0;
}

storage_result<term_t> raft_log::term(index_t i) const {
  if (i + 1 < first_index())
    return unexpected{storage_error{storage_errc::compacted, "term at " + std::to_string(i)}};
  if (i > last_index())
    return unexpected{storage_error{storage_errc::unavailable, "term at " + std::to_string(i)}};
  if (auto t = unstable_.maybe_term(i))
    return *t;
  return storage_->term(i);
}

bool raft_log::match_term(index_t i, term_t t) const {
  auto got = term(i);
  return got && *got == t;
}

std::optional<raft_log::append_result> raft_log::maybe_append(index_t prev_index, term_t prev_term,
                                                              index_t commit,
                                                              std::span<const entry> ents) {
  // Log matching (§5.3): only append after an entry both logs agree on.
  if (!match_term(prev_index, prev_term))
    return std::nullopt;
  append_result result{prev_index + ents.size(), 0};
  if (auto conflict = find_conflict(ents); conflict != 0) {
    // Committed entries are never replaced (Leader Completeness, §5.4); a
    // leader only sends from prev_index >= our commit index.
    if (conflict <= committed_)
      return std::nullopt;
    append(ents.subspan(conflict - ents.front().index));
    result.replaced_from = conflict;
  }
  commit_to(std::min(commit, result.last_new));
  return result;
}

index_t raft_log::append(std::span<const entry> ents) {
  if (!ents.empty())
    unstable_.truncate_and_append(ents);
  return last_index();
}

index_t raft_log::find_conflict(std::span<const entry> ents) const {
  for (const auto& e : ents)
    if (!match_term(e.index, e.term))
      return e.index;
  return 0;
}

storage_result<std::vector<entry>> raft_log::slice(index_t lo, index_t hi,
                                                   std::size_t max_bytes) const {
  if (lo < first_index())
    return unexpected{storage_error{storage_errc::compacted, "slice from " + std::to_string(lo)}};
  hi = std::min(hi, last_index() + 1);
  std::vector<entry> out;
  if (lo >= hi)
    return out;
  auto offset = unstable_.offset();
  if (lo < offset) {
    auto stored = storage_->entries(lo, std::min(hi, offset), max_bytes);
    if (!stored)
      return stored;
    out = std::move(*stored);
    if (out.size() < std::min(hi, offset) - lo)
      return out; // the byte limit was reached in storage
  }
  if (hi > offset) {
    std::size_t size = 0;
    for (const auto& e : out)
      size += e.data.size();
    for (const auto& e : unstable_.slice(std::max(lo, offset), hi)) {
      size += e.data.size();
      if (!out.empty() && size > max_bytes)
        break;
      out.push_back(e);
    }
  }
  return out;
}

bool raft_log::is_up_to_date(index_t last_index, term_t last_term) const {
  auto our_term = this->last_term();
  return last_term > our_term || (last_term == our_term && last_index >= this->last_index());
}

void raft_log::commit_to(index_t i) {
  // The commit index never decreases (an older commit index is no news);
  // one past the log's end would commit entries this node does not hold:
  // the leader's view of our log is wrong (etcd's commitTo panics).
  if (i <= committed_)
    return;
  MOSAIK_CHECK(i <= last_index(), "commit_to(", i, ") is out of range [last index ", last_index(),
               "]: the log was lost or truncated");
  committed_ = i;
}

void raft_log::applied_to(index_t i) {
  // Only committed entries are applied, and applying never goes back
  // (etcd's appliedTo panics).
  MOSAIK_CHECK(i >= applied_ && i <= committed_, "applied_to(", i, ") is out of range [applied ",
               applied_, ", committed ", committed_, "]");
  applied_ = i;
  applying_ = std::max(applying_, applied_);
}

bool raft_log::has_next_committed() const {
  return applying_ < committed_ && !unstable_.snapshot();
}

storage_result<std::vector<entry>> raft_log::next_committed(std::size_t max_bytes) {
  if (!has_next_committed())
    return std::vector<entry>{};
  auto out = slice(applying_ + 1, committed_ + 1, max_bytes);
  if (out && !out->empty())
    applying_ = out->back().index;
  return out;
}

void raft_log::restore(const snapshot_metadata& meta) {
  unstable_.restore(meta);
  committed_ = std::max(committed_, meta.index);
  applying_ = std::max(applying_, meta.index);
}

snapshot_metadata raft_log::snapshot() const {
  if (unstable_.snapshot())
    return *unstable_.snapshot();
  return storage_->snapshot();
}

} // namespace mosaik::raft
