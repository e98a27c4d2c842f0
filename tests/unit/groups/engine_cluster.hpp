#pragma once
// A deterministic in-process group of engines for the engine's unit tests:
// each member has a memory_storage (synced after every ready), a counter
// machine and an engine; messages travel in order between members unless a
// link is cut (state-sync messages too), and time is a fake millisecond
// clock ticking every 100 ms.

#include "actors/core/groups/engine.hpp"
#include "actors/core/groups/store_persister.hpp"
#include "actors/core/raft/memory_storage.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mosaik::groups::testing {

/// Ids that sort in member order (member 0 is the smallest and bootstraps).
peer_id member_id(std::size_t k);
bytes to_bytes(std::string_view s);
std::string text(const bytes& b);

/// Commands "add <key> <n>" add n (possibly negative) to a counter and
/// answer its new value; a sum below zero is rejected ("negative"), as is
/// anything else ("bad command"). A query names a key and gets its value;
/// a query starting with '?' is refused.
class counter_machine final : public machine {
public:
  apply_outcome apply(byte_view command, const apply_context& ctx) override;
  expected<bytes, std::string> query(byte_view q) const override;

  std::map<std::string, std::int64_t> values;
  /// Every command's index and outcome ("=<value>" or "!<reason>").
  std::map<raft::index_t, std::string> outcomes;
  /// Every command applied, by index.
  std::map<raft::index_t, std::string> log;
  std::vector<apply_context> contexts;
};

/// Writes through a store_persister (syncing the memory_storage) until
/// `fail` is set; then every persist fails with an io error. With `queue`
/// set it queues each write, as a group actor's persister does, until
/// complete() writes it.
class test_persister final : public persister {
public:
  explicit test_persister(raft::memory_storage& s) : inner_(s, [&s] { s.sync(); }) {}
  raft::storage_result<persist_mode> persist(const raft::ready& rd) override;
  /// Writes the queued write; false when none is queued.
  bool complete();
  bool fail = false;
  bool queue = true;
  std::size_t persisted = 0;
  /// The entries of every write, in order.
  std::vector<std::size_t> entries_per_write;
  std::optional<durable_write> pending;

private:
  store_persister inner_;
};

struct member {
  raft::memory_storage store;
  test_persister persister{store};
  counter_machine* machine = nullptr; // owned by the engine
  std::optional<engine> eng;
  std::vector<completion> completions;
  std::vector<group_view> views;
  std::vector<raft::raft_error> errors;
  std::uint64_t incarnation = 0;
};

class engine_cluster {
public:
  /// Members 0..n-1, bonded to each other, each config passed to `tweak`.
  explicit engine_cluster(std::size_t n, std::function<void(engine_config&)> tweak = {});

  static constexpr millis tick{100};
  millis now() const { return now_; }
  std::size_t size() const { return members_.size(); }
  member& at(std::size_t k) { return *members_.at(k); }
  engine& eng(std::size_t k) { return *at(k).eng; }
  counter_machine& machine(std::size_t k) { return *at(k).machine; }

  /// Delivers messages and completes queued writes (collecting outputs)
  /// until nothing moves.
  void settle();
  /// Whether settle() completes the queued writes; when not, a test
  /// completes them with complete_write().
  bool complete_writes = true;
  /// Member k's queued write becomes durable; false when none is queued.
  bool complete_write(std::size_t k);
  /// Advances time by `d` in ticks, ticking every engine and settling after
  /// each tick.
  void run_for(millis d);
  /// Runs until exactly one member leads, every member knows it and has
  /// applied everything committed, with `voters` voters; false after `max`.
  bool elect(std::size_t voters, millis max = millis{60000});
  /// The members that lead now.
  std::vector<std::size_t> leaders() const;
  std::size_t leader() const;
  std::size_t follower() const;

  /// Ticks until member k has a completion for `id`, at most `max`.
  const completion* wait_for(std::size_t k, op_id id, millis max = millis{20000});
  const completion* find(std::size_t k, op_id id) const;

  void isolate(std::size_t k);
  void cut(std::size_t a, std::size_t b);
  void heal() { cut_.clear(); }
  /// Closes and destroys member k's engine (its operations fail as closed)
  /// and starts a new one over the same storage with a fresh machine; the
  /// bonds to it break.
  void restart(std::size_t k);
  /// The bonds between member k and the others form (again).
  void bond(std::size_t k);

  /// Messages for which this returns true are dropped.
  std::function<bool(const raft::message&)> drop;
  /// Every message delivered, in order.
  std::vector<raft::message> delivered;
  /// State-sync messages delivered.
  std::size_t sync_delivered = 0;
  std::size_t delivered_count(std::size_t from, std::string_view kind) const;

private:
  void start(std::size_t k);
  void collect(std::size_t k);
  bool linked(std::size_t a, std::size_t b) const;

  std::vector<std::unique_ptr<member>> members_;
  std::set<std::pair<std::size_t, std::size_t>> cut_;
  std::vector<std::pair<std::size_t, raft::message>> queue_; // (to, message)
  struct sync_in_flight {
    std::size_t from, to;
    sync_message msg;
  };
  std::vector<sync_in_flight> sync_queue_;
  std::function<void(engine_config&)> tweak_;
  millis now_{0};
};

} // namespace mosaik::groups::testing
