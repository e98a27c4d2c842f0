#pragma once
// Logs and peers for the state-sync tests: one committed history every
// honest member holds, a sync_log over it, and a session rig that keeps
// what the session sent and handed out.

#include "actors/core/groups/sync/log_replay_provider.hpp"
#include "actors/core/groups/sync/log_replay_session.hpp"
#include "actors/core/groups/sync/state_sync.hpp"

#include <algorithm>
#include <vector>

namespace mosaik::groups::testing {

inline peer_id pid(std::uint8_t b) {
  peer_id::array_type raw{};
  raw[0] = b;
  return peer_id{raw};
}

/// The term of entry i in the shared history: a new term every 250 entries.
inline raft::term_t term_of(raft::index_t i) { return 1 + i / 250; }

inline raft::entry entry_at(raft::index_t i) {
  return {i, term_of(i), raft::entry_type::command, bytes(4, static_cast<std::uint8_t>(i))};
}

/// Entries 1..last of the history, `commit` of them committed.
class history_log final : public sync_log {
public:
  history_log(raft::index_t last, raft::index_t commit) : last_(last), commit_(commit) {}
  raft::index_t first_index() const override { return 1; }
  raft::index_t committed() const override { return commit_; }
  std::optional<raft::term_t> term(raft::index_t i) const override {
    if (i > last_)
      return std::nullopt;
    return i == 0 ? 0 : term_of(i);
  }
  std::vector<raft::entry> entries(raft::index_t first, raft::index_t last,
                                   std::size_t max_bytes) const override {
    std::vector<raft::entry> out;
    std::size_t size = 0;
    for (auto i = first; i <= std::min(last, last_); ++i) {
      auto e = entry_at(i);
      if (!out.empty() && size + e.data.size() > max_bytes)
        break;
      size += e.data.size();
      out.push_back(std::move(e));
    }
    return out;
  }

private:
  raft::index_t last_, commit_;
};

/// A session on member 9 whose leader is member 1.
struct session_rig {
  explicit session_rig(log_replay_config cfg, std::vector<peer_id> peers,
                       std::optional<log_anchor> anchor, raft::index_t commit = 0)
    : s(cfg, {pid(1), std::move(peers), commit, term_of(commit), anchor,
              anchor ? anchor->index : commit + 1, now}) {
    collect();
  }

  void collect() {
    auto o = s.take_output();
    for (auto& m : o.messages)
      sent.push_back(std::move(m));
    for (auto& b : o.batches) {
      batches.push_back(b.size());
      handed.insert(handed.end(), b.begin(), b.end());
    }
  }

  /// Fetches sent to `p` since the last take_fetches, oldest first.
  std::vector<index_range> take_fetches(const peer_id& p) {
    std::vector<index_range> out;
    std::erase_if(sent, [&](const sync_send& m) {
      const auto* f = std::get_if<fetch_request>(&m.msg);
      if (!f || m.to != p)
        return false;
      out.push_back(f->range);
      return true;
    });
    return out;
  }

  std::size_t asks_to(const peer_id& p) const {
    return std::count_if(sent.begin(), sent.end(), [&](const sync_send& m) {
      return m.to == p && std::holds_alternative<availability_request>(m.msg);
    });
  }

  void holds(const peer_id& p, index_range r) {
    s.receive(p, availability_response{r, r.empty() ? 0 : term_of(r.last)}, now);
    collect();
  }

  /// `p` answers a fetch of `r` from the shared history.
  void answer(const peer_id& p, index_range r) {
    fetch_response resp{r, {}};
    for (auto i = r.first; i <= r.last; ++i)
      resp.entries.push_back(entry_at(i));
    deliver(p, resp);
  }

  void deliver(const peer_id& p, const fetch_response& r) {
    s.receive(p, r, now);
    collect();
  }

  void advance(millis d) {
    now += d;
    s.tick(now);
    collect();
  }

  /// Every index handed out, in order, each once, from `first` on.
  bool handed_in_order(raft::index_t first) const {
    for (std::size_t k = 0; k < handed.size(); ++k)
      if (handed[k].index != first + k || handed[k] != entry_at(first + k))
        return false;
    return true;
  }

  millis now{1000};
  log_replay_session s;
  std::vector<sync_send> sent;
  std::vector<raft::entry> handed;
  std::vector<std::size_t> batches;
};

inline log_replay_config small_batches(std::size_t batch = 100, std::size_t held = 1000) {
  log_replay_config c;
  c.batch_size = batch;
  c.max_held_entries = held;
  c.fetch_timeout = millis{500};
  return c;
}

} // namespace mosaik::groups::testing
