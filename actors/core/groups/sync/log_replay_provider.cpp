#include "actors/core/groups/sync/log_replay_provider.hpp"

#include <algorithm>

namespace mosaik::groups {

log_replay_provider::log_replay_provider(log_replay_config cfg) : cfg_(cfg) {
  cfg_.batch_size = std::clamp<std::size_t>(cfg_.batch_size, 1, max_fetch_entries);
}

bool log_replay_provider::receive(const peer_id& from, const sync_message& m, const sync_log& log,
                                  std::vector<sync_send>& out) {
  if (std::holds_alternative<availability_request>(m)) {
    out.push_back({from, availability(log)});
    return true;
  }
  if (const auto* f = std::get_if<fetch_request>(&m)) {
    out.push_back({from, fetch(f->range, log)});
    return true;
  }
  return false;
}

availability_response log_replay_provider::availability(const sync_log& log) const {
  availability_response a;
  a.range = {log.first_index(), log.committed()};
  a.last_term = log.term(log.committed()).value_or(0);
  return a;
}

fetch_response log_replay_provider::fetch(const index_range& asked, const sync_log& log) const {
  fetch_response r;
  auto first = std::max(asked.first, log.first_index());
  auto last = std::min(asked.last, log.committed());
  if (first > last)
    return r; // the empty range: nothing of it here
  last = std::min(last, first - 1 + cfg_.batch_size); // first <= committed: no overflow
  r.entries = log.entries(first, last, cfg_.max_batch_bytes);
  if (!r.entries.empty())
    r.range = {r.entries.front().index, r.entries.back().index};
  return r;
}

} // namespace mosaik::groups
