#include "actors/core/raft/coalesce.hpp"

#include <map>

namespace mosaik::raft {

namespace {

std::size_t entry_bytes(const append_request& a) {
  std::size_t n = 0;
  for (const auto& e : a.entries)
    n += e.data.size();
  return n;
}

/// The (index, term) an append leaves the receiver's log at.
std::pair<index_t, term_t> end_of(const append_request& a) {
  if (a.entries.empty())
    return {a.prev_index, a.prev_term};
  return {a.entries.back().index, a.entries.back().term};
}

bool merge_append(append_request& into, append_request& next, std::size_t max_bytes) {
  if (end_of(into) != std::pair{next.prev_index, next.prev_term})
    return false;
  if (!into.entries.empty() && !next.entries.empty()
      && entry_bytes(into) + entry_bytes(next) > max_bytes)
    return false;
  for (auto& e : next.entries)
    into.entries.push_back(std::move(e));
  into.commit = std::max(into.commit, next.commit);
  return true;
}

bool merge_answer(append_response& into, const append_response& next) {
  if (into.reject || next.reject || into.observer != next.observer)
    return false;
  into.index = std::max(into.index, next.index);
  return true;
}

/// Merges `next` into `into` (the last message to the same receiver) when
/// that is the same as sending both.
bool merge(message& into, message& next, std::size_t max_bytes) {
  if (into.from != next.from || into.term != next.term || into.lineage != next.lineage)
    return false;
  if (auto* a = std::get_if<append_request>(&into.body))
    if (auto* b = std::get_if<append_request>(&next.body))
      return merge_append(*a, *b, max_bytes);
  if (auto* a = std::get_if<append_response>(&into.body))
    if (auto* b = std::get_if<append_response>(&next.body))
      return merge_answer(*a, *b);
  return false;
}

} // namespace

std::vector<message> coalesce(std::vector<message> messages, std::size_t max_bytes) {
  std::vector<message> out;
  out.reserve(messages.size());
  std::map<node_id, std::size_t> last; // receiver -> its last message in `out`
  for (auto& m : messages) {
    auto at = last.find(m.to);
    if (at != last.end() && merge(out[at->second], m, max_bytes))
      continue;
    last[m.to] = out.size();
    out.push_back(std::move(m));
  }
  return out;
}

} // namespace mosaik::raft
