#pragma once
// One raw_node driven by hand-written messages, for cases that need an input
// delivered at an exact moment (a late answer, a state sync finishing long
// after it was asked for). Every ready is persisted and synced at once;
// what it sends is kept in `sent`.

#include "actors/core/raft/memory_storage.hpp"
#include "actors/core/raft/raw_node.hpp"
#include "tests/unit/raft/test_cluster.hpp"

#include <functional>
#include <optional>
#include <vector>

namespace mosaik::raft::testing {

class lone_node {
public:
  explicit lone_node(std::uint8_t n, std::function<void(config&)> tweak = {}) {
    cfg_.id = nid(n);
    cfg_.rng_seed = n;
    if (tweak)
      tweak(cfg_);
    auto created = raw_node::create(cfg_, store);
    node.emplace(std::move(*created));
  }

  /// Delivers `body` from node `from` in `term`, then handles every ready.
  void receive(std::uint8_t from, term_t term, message_body body) {
    node->step(message{nid(from), cfg_.id, term, {}, std::move(body)});
    settle();
  }

  void settle() {
    while (node->has_ready()) {
      auto rd = node->take_ready();
      if (rd.snapshot)
        (void)store.reset_to_snapshot(*rd.snapshot);
      if (!rd.entries.empty())
        (void)store.append(rd.entries);
      if (rd.hard)
        (void)store.save_hard_state(*rd.hard);
      if (rd.config)
        (void)store.save_configuration(*rd.config);
      store.sync();
      sent.insert(sent.end(), rd.messages.begin(), rd.messages.end());
      applied.insert(applied.end(), rd.committed_entries.begin(), rd.committed_entries.end());
      proposals.insert(proposals.end(), rd.proposals.begin(), rd.proposals.end());
      reads.insert(reads.end(), rd.reads.begin(), rd.reads.end());
      if (rd.snapshot)
        restored.push_back(*rd.snapshot);
      if (rd.snapshot_needed)
        snapshot_needed = rd.snapshot_needed;
      node->advance();
    }
  }

  /// The body of the last message sent, if it is a B.
  template <class B>
  const B* last_sent() const {
    return sent.empty() ? nullptr : std::get_if<B>(&sent.back().body);
  }

  memory_storage store;
  std::optional<raw_node> node;
  std::vector<message> sent;
  std::vector<entry> applied;
  std::vector<proposal_event> proposals;
  std::vector<read_state> reads;
  std::vector<snapshot_metadata> restored;
  std::optional<snapshot_metadata> snapshot_needed;

private:
  config cfg_;
};

/// Entries lo..hi (inclusive) of `term`, each a one-byte command.
inline std::vector<entry> entries_of(term_t term, index_t lo, index_t hi) {
  std::vector<entry> out;
  for (auto i = lo; i <= hi; ++i)
    out.push_back({i, term, entry_type::command, bytes{static_cast<std::uint8_t>(i)}});
  return out;
}

} // namespace mosaik::raft::testing
