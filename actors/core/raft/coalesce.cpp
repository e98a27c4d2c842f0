#include "actors/core/raft/coalesce.hpp"

#include <map>
#include <optional>
#include <type_traits>

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

/// What a forward or an answer adds to a batch, against `max_bytes`: a
/// command's bytes; an answer about what it takes on the wire.
constexpr std::size_t answer_bytes = 32;
std::size_t weight(const forward_proposal& p) { return p.command.size(); }
std::size_t weight(const proposal_response&) { return answer_bytes; }

std::vector<forward_proposal>& items(forward_proposal_batch& b) { return b.proposals; }
std::vector<proposal_response>& items(proposal_response_batch& b) { return b.responses; }

/// Joins a single forward (or answer) `next` to `into`, a single one of the
/// same kind or a batch of them, while the batch stays within max_batch
/// items and `max_bytes`.
template <class Single, class Batch>
bool merge_batched(message_body& into, message_body& next, std::size_t max_bytes) {
  auto* add = std::get_if<Single>(&next);
  if (!add)
    return false;
  std::size_t count = 0;
  std::size_t held = 0;
  if (auto* one = std::get_if<Single>(&into)) {
    count = 1;
    held = weight(*one);
  } else if (auto* batch = std::get_if<Batch>(&into)) {
    count = items(*batch).size();
    for (const auto& s : items(*batch))
      held += weight(s);
  } else {
    return false;
  }
  if (count >= max_batch || held + weight(*add) > max_bytes)
    return false;
  if (auto* one = std::get_if<Single>(&into)) {
    Batch batch;
    items(batch).push_back(std::move(*one));
    into = std::move(batch);
  }
  items(std::get<Batch>(into)).push_back(std::move(*add));
  return true;
}

/// Messages to one receiver that may pass each other (see coalesce.hpp).
enum class lane { replication, forwards, other };

lane lane_of(const message& m) {
  return std::visit(
    [](const auto& b) {
      using B = std::decay_t<decltype(b)>;
      if constexpr (std::is_same_v<B, append_request> || std::is_same_v<B, append_response>)
        return lane::replication;
      else if constexpr (std::is_same_v<B, forward_proposal> || std::is_same_v<B, proposal_response>
                         || std::is_same_v<B, forward_proposal_batch>
                         || std::is_same_v<B, proposal_response_batch>)
        return lane::forwards;
      else
        return lane::other;
    },
    m.body);
}

/// A receiver's last message in the output, per lane.
struct lanes {
  std::optional<std::size_t> replication;
  std::optional<std::size_t> forwards;
};

/// Merges `next` into `into` (the last message of its lane to the same
/// receiver) when that is the same as sending both.
bool merge(message& into, message& next, std::size_t max_bytes) {
  if (into.from != next.from || into.term != next.term || into.lineage != next.lineage)
    return false;
  if (auto* a = std::get_if<append_request>(&into.body))
    if (auto* b = std::get_if<append_request>(&next.body))
      return merge_append(*a, *b, max_bytes);
  if (auto* a = std::get_if<append_response>(&into.body))
    if (auto* b = std::get_if<append_response>(&next.body))
      return merge_answer(*a, *b);
  return merge_batched<forward_proposal, forward_proposal_batch>(into.body, next.body, max_bytes)
         || merge_batched<proposal_response, proposal_response_batch>(into.body, next.body,
                                                                      max_bytes);
}

} // namespace

std::vector<message> coalesce(std::vector<message> messages, std::size_t max_bytes) {
  std::vector<message> out;
  out.reserve(messages.size());
  std::map<node_id, lanes> last; // receiver -> its last message in `out` per lane
  for (auto& m : messages) {
    auto l = lane_of(m);
    auto& to = last[m.to];
    auto* into = l == lane::replication ? &to.replication
                 : l == lane::forwards  ? &to.forwards
                                        : nullptr;
    if (into && *into && merge(out[**into], m, max_bytes))
      continue;
    auto at = out.size();
    out.push_back(std::move(m));
    if (into)
      *into = at;
    else
      to = {at, at}; // nothing passes it, and nothing merges into it
  }
  return out;
}

} // namespace mosaik::raft
