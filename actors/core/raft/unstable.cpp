#include "actors/core/raft/unstable.hpp"

namespace mosaik::raft {

std::optional<index_t> unstable::maybe_first_index() const {
  if (snapshot_)
    return snapshot_->index + 1;
  return std::nullopt;
}

std::optional<index_t> unstable::maybe_last_index() const {
  if (!entries_.empty())
    return offset_ + entries_.size() - 1;
  if (snapshot_)
    return snapshot_->index;
  return std::nullopt;
}

std::optional<term_t> unstable::maybe_term(index_t i) const {
  if (i < offset_) {
    if (snapshot_ && snapshot_->index == i)
      return snapshot_->term;
    return std::nullopt;
  }
  auto last = maybe_last_index();
  if (!last || i > *last)
    return std::nullopt;
  return entries_[i - offset_].term;
}

void unstable::stable_to(index_t i, term_t t) {
  auto term = maybe_term(i);
  // Only if the entry is still the one that was persisted: a newer ready
  // may have replaced it in the meantime.
  if (!term || *term != t || i < offset_)
    return;
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(i + 1 - offset_));
  offset_ = i + 1;
}

void unstable::stable_snapshot_to(index_t i) {
  if (snapshot_ && snapshot_->index == i)
    snapshot_.reset();
}

void unstable::restore(const snapshot_metadata& meta) {
  offset_ = meta.index + 1;
  entries_.clear();
  snapshot_ = meta;
}

void unstable::truncate_and_append(std::span<const entry> ents) {
  if (ents.empty())
    return;
  auto after = ents.front().index;
  if (after == offset_ + entries_.size()) {
    entries_.insert(entries_.end(), ents.begin(), ents.end());
  } else if (after <= offset_) {
    // Replaces everything held here (and, once persisted, the storage
    // suffix from `after` on).
    offset_ = after;
    entries_.assign(ents.begin(), ents.end());
  } else {
    entries_.resize(after - offset_);
    entries_.insert(entries_.end(), ents.begin(), ents.end());
  }
}

std::vector<entry> unstable::slice(index_t lo, index_t hi) const {
  return {entries_.begin() + static_cast<std::ptrdiff_t>(lo - offset_),
          entries_.begin() + static_cast<std::ptrdiff_t>(hi - offset_)};
}

} // namespace mosaik::raft
