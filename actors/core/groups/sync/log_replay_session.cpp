#include "actors/core/groups/sync/log_replay_session.hpp"

#include "actors/core/check.hpp"

#include <algorithm>
#include <utility>

namespace mosaik::groups {

namespace {

/// Anchors kept at once (the highest): enough to check the batches of the
/// last few announcements, bounded whatever the leader sends.
constexpr std::size_t max_anchors = 16;

bool contains(const index_range& r, raft::index_t i) { return !r.empty() && r.first <= i && i <= r.last; }

} // namespace

log_replay_session::log_replay_session(log_replay_config cfg, start s)
  : cfg_(cfg), leader_(s.leader), next_(s.commit + 1), prev_term_(s.commit_term),
    leader_commit_(s.leader_commit), started_(s.now),
    now_(s.now) {
  cfg_.batch_size = std::clamp<std::size_t>(cfg_.batch_size, 1, max_fetch_entries);
  cfg_.max_held_entries = std::max(cfg_.max_held_entries, cfg_.batch_size);
  if (s.anchor)
    leader_anchor(*s.anchor);
  for (const auto& p : s.peers)
    bond_up(p);
}

std::optional<log_anchor> log_replay_session::target() const {
  if (anchors_.empty())
    return std::nullopt;
  auto last = std::prev(anchors_.end());
  return log_anchor{last->first, last->second};
}

bool log_replay_session::done() const {
  auto t = target();
  return next_ > leader_commit_ && (!t || next_ > t->index);
}

void log_replay_session::ask(const peer_id& p, peer_state& st) {
  st.asked_at = now_;
  out_.messages.push_back({p, availability_request{}});
}

void log_replay_session::bond_up(const peer_id& peer) {
  auto [it, fresh] = peers_.try_emplace(peer);
  if (fresh)
    ask(peer, it->second);
}

void log_replay_session::bond_down(const peer_id& peer) { peers_.erase(peer); }

void log_replay_session::leader_anchor(const log_anchor& a) {
  if (a.index < next_ || a.term == 0)
    return;
  anchors_.emplace(a.index, a.term);
  while (anchors_.size() > max_anchors)
    anchors_.erase(anchors_.begin());
  assign(now_);
}

void log_replay_session::committed(raft::index_t commit, raft::term_t term) {
  if (commit < next_)
    return;
  // Raft got there on its own (the leader's appends): what is held below
  // the commit index is not needed any more.
  next_ = commit + 1;
  prev_term_ = term;
  while (!held_.empty() && held_.begin()->second.entries.back().index < next_)
    unhold();
  release();
  assign(now_);
}

void log_replay_session::receive(const peer_id& from, const sync_message& m, millis now) {
  now_ = now;
  if (!peers_.contains(from))
    return; // not bonded (any more)
  if (const auto* a = std::get_if<availability_response>(&m))
    on_availability(from, *a);
  else if (const auto* r = std::get_if<fetch_response>(&m))
    on_fetched(from, *r);
  assign(now);
}

void log_replay_session::on_availability(const peer_id& from, const availability_response& a) {
  auto& st = peers_[from];
  st.asked_at.reset();
  st.answered = true;
  if (st.distrusted)
    return;
  st.holds = a.range.empty() ? std::nullopt : std::optional{a.range};
  if (from == leader_ && !a.range.empty())
    leader_anchor({a.range.last, a.last_term});
}

void log_replay_session::on_fetched(const peer_id& from, const fetch_response& r) {
  auto& st = peers_[from];
  if (!st.fetch || r.range.first != st.fetch->range.first || r.entries.empty()) {
    if (st.fetch && r.range.empty()) {
      // It no longer holds what it said: ask again what it holds.
      st.fetch.reset();
      st.holds.reset();
      ask(from, st);
    }
    return; // unasked, or late after a timeout
  }
  auto asked = st.fetch->range;
  st.fetch.reset();
  ++stats_.fetches;
  if (!verified(r, asked))
    return reject(from);
  stats_.entries_fetched += r.entries.size();
  if (from == leader_)
    stats_.entries_from_leader += r.entries.size();
  std::vector<raft::entry> kept;
  for (const auto& e : r.entries)
    if (e.index >= next_)
      kept.push_back(e);
  if (!kept.empty())
    hold(from, std::move(kept));
  release();
}

void log_replay_session::hold(const peer_id& from, std::vector<raft::entry> entries) {
  // Nothing else covers these indices: no fetch overlaps a held batch.
  auto first = entries.front().index;
  held_batch b{from, std::move(entries), 0};
  for (const auto& e : b.entries)
    b.bytes += e.data.size();
  held_bytes_ += b.bytes;
  auto [it, fresh] = held_.emplace(first, std::move(b));
  MOSAIK_CHECK(fresh, "log replay: a second batch held at ", first);
}

log_replay_session::held_batch log_replay_session::unhold() {
  auto node = held_.extract(held_.begin());
  held_bytes_ -= node.mapped().bytes;
  return std::move(node.mapped());
}

bool log_replay_session::verified(const fetch_response& r, const index_range& asked) const {
  const auto& es = r.entries;
  if (r.range.first != asked.first || r.range.last != es.front().index + es.size() - 1
      || r.range.last > asked.last)
    return false;
  auto top = target();
  raft::term_t prev = 0;
  for (std::size_t k = 0; k < es.size(); ++k) {
    const auto& e = es[k];
    if (e.index != asked.first + k || e.term == 0 || e.term < prev || (top && e.term > top->term))
      return false;
    if (auto a = anchors_.find(e.index); a != anchors_.end() && a->second != e.term)
      return false; // not the leader's entry there: not a committed one
    prev = e.term;
  }
  return true;
}

void log_replay_session::reject(const peer_id& from) {
  ++stats_.batches_rejected;
  auto& st = peers_[from];
  st.distrusted = true;
  st.holds.reset();
}

void log_replay_session::release() {
  while (!held_.empty() && held_.begin()->first == next_) {
    auto b = unhold();
    if (b.entries.front().term < prev_term_) {
      // It does not continue the entries before it.
      reject(b.from);
      return;
    }
    next_ = b.entries.back().index + 1;
    prev_term_ = b.entries.back().term;
    stats_.entries_handed_out += b.entries.size();
    out_.batches.push_back(std::move(b.entries));
  }
}

void log_replay_session::tick(millis now) {
  now_ = now;
  for (auto& [p, st] : peers_) {
    if (st.fetch && st.fetch->deadline <= now) {
      ++stats_.fetch_timeouts;
      st.fetch.reset();
      st.holds.reset();
      ask(p, st);
    } else if (!st.holds && !st.distrusted && st.asked_at && *st.asked_at + cfg_.fetch_timeout <= now) {
      ask(p, st);
    }
  }
  assign(now);
}

std::optional<index_range> log_replay_session::next_gap(raft::index_t from, raft::index_t limit) const {
  // Covered: held batches and fetches in flight (few: one per peer).
  std::vector<index_range> covered;
  for (const auto& [first, b] : held_)
    covered.push_back({first, b.entries.back().index});
  for (const auto& [p, st] : peers_)
    if (st.fetch)
      covered.push_back(st.fetch->range);
  std::sort(covered.begin(), covered.end(), [](auto& a, auto& b) { return a.first < b.first; });
  auto pos = from;
  for (const auto& c : covered) {
    if (c.last < pos)
      continue;
    if (c.first > pos)
      return index_range{pos, std::min(limit, c.first - 1)};
    pos = c.last + 1;
  }
  if (pos > limit)
    return std::nullopt;
  return index_range{pos, limit};
}

const peer_id* log_replay_session::pick_peer(raft::index_t first) const {
  const peer_id* leader = nullptr;
  bool others_hold = false;
  for (const auto& [p, st] : peers_) {
    if (!st.holds || !contains(*st.holds, first))
      continue;
    if (p == leader_) {
      if (!st.fetch)
        leader = &p;
      continue;
    }
    others_hold = true;
    if (!st.fetch)
      return &p;
  }
  return others_hold || others_may_answer() ? nullptr : leader;
}

bool log_replay_session::others_may_answer() const {
  if (now_ >= started_ + cfg_.fetch_timeout)
    return false;
  return std::any_of(peers_.begin(), peers_.end(),
                     [&](const auto& p) { return p.first != leader_ && !p.second.answered; });
}

void log_replay_session::assign(millis now) {
  auto top = target();
  if (!top || held_bytes_ >= cfg_.max_held_bytes)
    return;
  auto limit = std::min(top->index, next_ - 1 + cfg_.max_held_entries);
  auto from = next_;
  while (from <= limit) {
    auto gap = next_gap(from, limit);
    if (!gap)
      return;
    auto chunk_last = std::min(gap->last, gap->first - 1 + cfg_.batch_size);
    const auto* p = pick_peer(gap->first);
    if (!p) {
      from = chunk_last + 1; // nobody free holds it now; try further on
      continue;
    }
    auto& st = peers_.at(*p);
    index_range chunk{gap->first, std::min(chunk_last, st.holds->last)};
    st.fetch = in_flight{chunk, now + cfg_.fetch_timeout};
    out_.messages.push_back({*p, fetch_request{chunk}});
    from = chunk.last + 1;
  }
}

sync_output log_replay_session::take_output() { return std::exchange(out_, {}); }

} // namespace mosaik::groups
