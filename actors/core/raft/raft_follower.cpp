// A follower's side of replication: appends, heartbeats and snapshots.

#include "actors/core/raft/raft.hpp"

#include <algorithm>

namespace mosaik::raft {

void raft::handle_append(const message& m) {
  const auto& a = std::get<append_request>(m.body);
  bool observer = cfg_.preference.is_observer();
  for (std::size_t k = 0; k < a.entries.size(); ++k) {
    // Spliced after prev_index: anything else is a broken sender (the codec
    // refuses it too).
    if (a.entries[k].index != a.prev_index + 1 + k)
      return;
  }
  if (a.prev_index < log_.committed()) {
    // Everything up to our commit index matches the leader's already.
    send(m.from, append_response{log_.committed(), false, 0, observer});
    return;
  }
  auto result = log_.maybe_append(a.prev_index, a.prev_term, a.commit, a.entries);
  if (!result) {
    // §5.3: the logs disagree at prev_index; tell the leader where ours ends
    // so it can skip back at once.
    send(m.from, append_response{a.prev_index, true, std::min(a.prev_index, log_.last_index()),
                                 observer});
    return;
  }
  if (result->replaced_from != 0) {
    truncate_configs(result->replaced_from);
    auto first = a.entries.front().index;
    record_configs(std::span<const entry>(a.entries).subspan(result->replaced_from - first));
  }
  after_commit();
  if (log_.last_index() >= a.commit)
    caught_up_ = true;
  send(m.from, append_response{result->last_new, false, 0, observer});
}

std::optional<index_t> raft::append_committed(std::span<const entry> ents, index_t commit) {
  if (failed_ || role_ == role::leader || ents.empty())
    return std::nullopt;
  for (std::size_t k = 1; k < ents.size(); ++k)
    if (ents[k].index != ents[0].index + k)
      return std::nullopt;
  auto first = ents.front().index;
  if (first == 0 || first > log_.committed() + 1)
    return std::nullopt;
  // The entry before `first` is committed here, so it is the one the
  // entries follow everywhere: a log-matching append after it.
  auto prev_term = log_.term(first - 1);
  if (!prev_term)
    return std::nullopt;
  auto result = log_.maybe_append(first - 1, *prev_term, std::min(commit, ents.back().index), ents);
  if (!result)
    return std::nullopt; // they disagree with a committed entry
  if (result->replaced_from != 0) {
    truncate_configs(result->replaced_from);
    record_configs(ents.subspan(result->replaced_from - first));
  }
  after_commit();
  if (log_.last_index() >= commit)
    caught_up_ = true; // as after a leader's append reaching its commit index
  if (leader_ && role_ == role::follower)
    send(*leader_, append_response{log_.committed(), false, 0, cfg_.preference.is_observer()});
  return log_.committed();
}

void raft::handle_heartbeat(const message& m) {
  const auto& h = std::get<heartbeat_request>(m.body);
  // The leader never sends a commit index beyond our match with it.
  log_.commit_to(h.commit);
  after_commit();
  send(m.from, heartbeat_response{h.read_seq, cfg_.preference.is_observer()});
}

void raft::handle_snapshot(const message& m) {
  const auto& meta = std::get<snapshot_request>(m.body).meta;
  if (!settle_without_state(meta))
    out_.snapshot_needed = meta;
}

std::optional<snapshot_install> raft::settle_without_state(const snapshot_metadata& meta) {
  if (meta.index <= log_.committed()) {
    ack_snapshot();
    return snapshot_install::refused;
  }
  if (!log_.match_term(meta.index, meta.term))
    return std::nullopt;
  // Figure 13 step 6: we hold the entry the snapshot ends at, so our log up
  // to it is the committed prefix (log matching, §5.3); the entries after
  // it may be acknowledged already and must stay.
  log_.commit_to(meta.index);
  after_commit();
  caught_up_ = true;
  ack_snapshot();
  return snapshot_install::advanced_commit;
}

snapshot_install raft::install_snapshot(const snapshot_metadata& meta) {
  // The leader may have asked long ago: decide on the log as it is now.
  if (failed_)
    return snapshot_install::refused;
  // Injected bug (issue 11): a late snapshot cuts off a log that holds it.
  bool bug = cfg_.bugs.restore_matching_snapshot && meta.index > log_.committed();
  if (!bug)
    if (auto settled = settle_without_state(meta))
      return *settled;
  // Steps 7 and 8: the snapshot supersedes the whole log. A campaign in
  // progress asked for votes on the log we replace: it ends.
  if (role_ != role::follower)
    become_follower(term_, std::nullopt);
  log_.restore(meta);
  confs_.assign(1, {meta.index, meta.config});
  caught_up_ = true; // the snapshot's configuration is the leader's recent one
  trace(log_level::info, [&] { return "installed snapshot at " + std::to_string(meta.index); });
  ack_snapshot();
  return snapshot_install::restored;
}

void raft::ack_snapshot() {
  // Our log up to the commit index is the committed prefix, which every
  // leader of our term holds.
  if (leader_ && role_ == role::follower)
    send(*leader_, append_response{log_.committed(), false, 0, cfg_.preference.is_observer()});
}

void raft::after_commit() {
  compress_configs();
}

} // namespace mosaik::raft
