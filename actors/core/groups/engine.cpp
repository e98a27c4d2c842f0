#include "actors/core/groups/engine.hpp"

#include "actors/core/check.hpp"
#include "actors/core/groups/op_table.hpp"
#include "actors/core/groups/read_batcher.hpp"
#include "actors/core/rng.hpp"

#include <string>
#include <utility>

namespace mosaik::groups {

namespace {

raft::config raft_config(const engine_config& c) {
  const auto& cc = c.consensus;
  raft::timeouts t{cc.heartbeat_interval, cc.election_timeout, cc.election_timeout_jitter,
                   cc.bootstrap_delay,    cc.member_timeout,   cc.forward_timeout};
  raft::config rc;
  rc.id = c.self;
  rc.ticks = raft::ticks_for(t, c.tick);
  rc.preference = c.preference;
  rc.min_voters = cc.min_voters;
  rc.max_voters = cc.max_voters;
  rc.rng_seed = c.seed;
  rc.sink = c.sink;
  rc.bugs = c.bugs;
  rc.max_append_bytes = c.max_append_bytes;
  rc.max_inflight = c.max_inflight;
  return rc;
}

/// Proposal and read ids start where the seed says: a leader remembers the
/// forwarded ids it appended in its term, and would take a restarted
/// member's new proposal for a copy of its previous incarnation's one with
/// the same id (answering with that entry's position), or a late read
/// answer for a new read.
std::uint64_t first_id(std::uint64_t seed) { return rng(seed ^ 0x9e3779b97f4a7c15u).next(); }

failed refused(op_id id, op_errc code, std::string detail, std::vector<bytes> unsent = {}) {
  return failed{id, {code, std::move(detail), std::move(unsent)}};
}

} // namespace

bool engine_output::empty() const {
  return messages.empty() && sync_messages.empty() && completions.empty() && !view && errors.empty();
}

struct engine::impl {
  impl(engine_config c, const raft::storage& store, persister& per, std::unique_ptr<machine> mach,
       raft::raw_node node)
    : cfg(std::move(c)), p(per), m(std::move(mach)), raw(std::move(node)),
      soft(raw.status().soft), written_hard(store.initial_hard_state()), sync(cfg.sync, store),
      next_id(first_id(cfg.seed)) {}

  engine_config cfg;
  persister& p;
  std::unique_ptr<machine> m;
  raft::raw_node raw;
  raft::soft_state soft;
  /// The hard state last handed to the persister, and a newer one whose
  /// only change (the commit index) is not written yet.
  raft::hard_state written_hard;
  std::optional<raft::hard_state> unwritten_hard;
  /// The ready whose write the persister queued.
  std::optional<raft::ready> in_flight;
  op_table ops;
  read_batcher reads;
  sync_driver sync;
  engine_output out;
  group_view view;
  std::optional<group_view> emitted;
  /// The last entry the machine has seen (commands applied, others skipped).
  raft::index_t applied = 0;
  /// Proposal and read ids: never reused while the node lives, nor (with a
  /// fresh seed) by a restart.
  std::uint64_t next_id;
  bool stopped = false;
  bool closed = false;

  /// A Raft input, unless stopped, then run().
  template <class F>
  void input(F&& f) {
    if (stopped)
      return;
    f();
    run();
    sync.pump(raw, [this] { run(); });
    for (auto& s : sync.take_messages())
      out.sync_messages.push_back(std::move(s));
  }

  /// After every input: the ready loop, then the view.
  void run() {
    drain();
    refresh_view();
  }

  void drain() {
    // No input makes more than a handful of readies (committed entries come
    // in batches of max_apply_bytes): still ready after this many is a bug.
    constexpr std::size_t max_readies = 10000;
    for (std::size_t k = 0; !stopped && !in_flight; ++k) {
      if (reads.wants_round()) {
        auto id = next_id++;
        raw.read_index(id);
        reads.started(id);
      }
      if (!raw.has_ready())
        return;
      MOSAIK_CHECK(k < max_readies, "engine ", cfg.self.short_hex(), ": still ready after ",
                   max_readies, " readies in one drain");
      auto rd = raw.take_ready();
      if (!handle(rd))
        return;
      raw.advance();
    }
  }

  /// One ready, in the contract's order; false when the engine stopped or
  /// the ready waits for its write.
  bool handle(raft::ready& rd) {
    if (!needs_write(rd)) {
      if (rd.hard)
        unwritten_hard = rd.hard;
      return finish(rd);
    }
    carry_unwritten_hard(rd);
    auto r = p.persist(rd);
    if (!r) {
      stop("persisting a ready: " + r.error().detail);
      return false;
    }
    if (*r == persist_mode::queued) {
      in_flight = std::move(rd);
      return false;
    }
    return finish(rd);
  }

  /// A write takes along the newest hard state, written or not.
  void carry_unwritten_hard(raft::ready& rd) {
    if (!rd.hard)
      rd.hard = unwritten_hard;
    unwritten_hard.reset();
    if (rd.hard)
      written_hard = *rd.hard;
  }

  /// Whether `rd` has anything to make durable (not a commit index alone).
  bool needs_write(const raft::ready& rd) const {
    if (rd.snapshot || !rd.entries.empty() || rd.config)
      return true;
    return rd.hard && (rd.hard->term != written_hard.term || rd.hard->vote != written_hard.vote);
  }

  /// What follows a ready's write; false when the core stopped.
  bool finish(raft::ready& rd) {
    // The engine never installs a snapshot (a machine cannot be restored
    // yet), so the core never resets the log under it.
    MOSAIK_CHECK(!rd.snapshot, "engine ", cfg.self.short_hex(), ": a ready resets the log to ",
                 rd.snapshot->index);
    for (auto& msg : rd.messages)
      out.messages.push_back(std::move(msg));
    if (rd.soft)
      soft = *rd.soft;
    // Proposal events before the entries they may be about (the contract's
    // order; the op table also keeps the outcomes of entries applied before
    // an execute learned their index, as a forwarded answer can be late).
    for (const auto& e : rd.proposals)
      ops.on_proposal(e, soft.role == raft::role::leader);
    apply(rd.committed_entries);
    ops.settle(out.completions);
    for (const auto& rs : rd.reads)
      reads.on_read_state(rs, out.completions);
    reads.serve(applied, *m, out.completions);
    bool core_failed = false;
    for (auto& e : rd.errors) {
      core_failed |= e.code == raft::raft_errc::storage;
      out.errors.push_back(std::move(e));
    }
    if (core_failed)
      stop_ops("the Raft core stopped on a storage failure");
    return !core_failed;
  }

  void apply(const std::vector<raft::entry>& entries) {
    for (const auto& e : entries) {
      MOSAIK_CHECK(e.index == applied + 1, "engine ", cfg.self.short_hex(), ": applying ",
                   e.index, " after ", applied);
      if (e.type == raft::entry_type::command) {
        auto outcome = m->apply(e.data, apply_context{e.index, e.term, cfg.group});
        ops.on_applied(e.index, e.term, outcome);
      }
      applied = e.index;
    }
  }

  void stop(std::string detail) {
    out.errors.push_back({raft::raft_errc::storage, std::nullopt, detail});
    stop_ops(detail);
  }

  void stop_ops(const std::string& detail) {
    stopped = true;
    ops.fail_all(op_errc::storage, detail, out.completions);
    reads.fail_all(op_errc::storage, detail, out.completions);
  }

  void refresh_view() {
    auto st = raw.status();
    view.role = st.soft.role;
    view.leader = st.soft.leader;
    view.term = st.soft.term;
    view.commit = st.hard.commit;
    view.applied = applied;
    view.last_index = st.last_index;
    view.online = st.soft.role == raft::role::leader
                  || (st.soft.role == raft::role::follower && st.soft.leader.has_value());
    view.voters = raw.current_config().voters.size();
    view.learners = raw.current_config().learners.size();
    view.observer = cfg.preference.is_observer();
  }

  /// Why an operation cannot even start, if it cannot.
  std::optional<failed> refusal(op_id id, const std::vector<bytes>& commands, bool proposes) {
    MOSAIK_CHECK(!ops.contains(id) && !reads.contains(id), "op ", id, " is already in flight");
    if (stopped)
      return refused(id, op_errc::storage, "the group stopped on a storage failure", commands);
    if (closed)
      return refused(id, op_errc::closed, "the group is closed", commands);
    if (proposes && commands.empty())
      return refused(id, op_errc::no_commands, "no commands");
    if (ops.size() + reads.size() >= cfg.max_pending_ops)
      return refused(id, op_errc::rejected,
                     "too many operations in flight (" + std::to_string(cfg.max_pending_ops) + ")",
                     commands);
    for (const auto& c : commands)
      if (c.size() > cfg.max_command_bytes)
        return refused(id, op_errc::rejected,
                       "a command of " + std::to_string(c.size()) + " bytes exceeds "
                         + std::to_string(cfg.max_command_bytes),
                       commands);
    return std::nullopt;
  }

  void propose(op_id id, op_kind kind, std::vector<bytes> commands, millis deadline) {
    if (auto no = refusal(id, commands, true))
      return out.completions.push_back(std::move(*no));
    std::vector<std::uint64_t> ids;
    for (const auto& c : commands) {
      ids.push_back(next_id++);
      raw.propose(ids.back(), c);
    }
    ops.add(id, kind, std::move(commands), std::move(ids), deadline, applied);
    run();
  }

  void query(op_id id, bytes q, consistency c, millis deadline) {
    if (auto no = refusal(id, {}, false))
      return out.completions.push_back(std::move(*no));
    if (c == consistency::strong) {
      reads.add(id, std::move(q), deadline);
      return run();
    }
    if (soft.role == raft::role::candidate || soft.role == raft::role::pre_candidate)
      return out.completions.push_back(refused(id, op_errc::offline, "campaigning"));
    auto answer = m->query(q);
    if (!answer)
      return out.completions.push_back(refused(id, op_errc::rejected, answer.error()));
    out.completions.push_back(queried{id, std::move(*answer), applied});
  }

  void expire(millis now) {
    ops.expire(now, out.completions);
    reads.expire(now, soft.leader.has_value(), out.completions);
  }
};

expected<engine, raft::storage_error> engine::create(engine_config cfg, const raft::storage& store,
                                                     persister& p, std::unique_ptr<machine> m,
                                                     millis) {
  MOSAIK_CHECK(m != nullptr, "engine::create without a machine");
  if (auto snap = store.snapshot(); snap.index != 0)
    return unexpected{raft::storage_error{
      raft::storage_errc::compacted,
      "the log starts after a snapshot at " + std::to_string(snap.index)
        + "; the engine replays from index 1 into a fresh machine"}};
  auto node = raft::raw_node::create(raft_config(cfg), store, 0);
  if (!node)
    return unexpected{node.error()};
  auto state = std::make_unique<impl>(std::move(cfg), store, p, std::move(m), std::move(*node));
  state->run(); // replays the committed entries into the fresh machine
  return engine(std::move(state));
}

engine::engine(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
engine::engine(engine&&) noexcept = default;
engine& engine::operator=(engine&&) noexcept = default;
engine::~engine() = default;

void engine::tick(millis now) {
  impl_->input([&] {
    impl_->raw.tick();
    impl_->sync.tick(now);
  });
  impl_->expire(now);
}

void engine::on_message(const raft::message& m, millis now) {
  impl_->input([&] {
    impl_->raw.step(m);
    impl_->run();
    impl_->sync.observed(m, impl_->soft, impl_->raw, now);
  });
}

void engine::on_sync(const peer_id& from, const sync_message& m, millis now) {
  impl_->input([&] { impl_->sync.on_message(from, m, impl_->raw, now); });
}

void engine::bond_up(const raft::peer_info& peer, millis) {
  impl_->input([&] {
    impl_->raw.peer_joined(peer);
    impl_->sync.bond_up(peer.id);
  });
}

void engine::bond_departed(const peer_id& peer, millis) {
  impl_->input([&] {
    impl_->raw.peer_departed(peer);
    impl_->sync.bond_down(peer);
  });
}

void engine::bond_lost(const peer_id& peer, millis) {
  impl_->input([&] {
    impl_->raw.peer_lost(peer);
    impl_->sync.bond_down(peer);
  });
}

void engine::feed(op_id id, std::vector<bytes> commands, millis deadline, millis) {
  impl_->propose(id, op_kind::feed, std::move(commands), deadline);
}

void engine::execute(op_id id, std::vector<bytes> commands, millis deadline, millis) {
  impl_->propose(id, op_kind::execute, std::move(commands), deadline);
}

void engine::query(op_id id, bytes q, consistency c, millis deadline, millis) {
  impl_->query(id, std::move(q), c, deadline);
}

void engine::persisted(raft::storage_result<bool> written, millis) {
  auto& s = *impl_;
  MOSAIK_CHECK(s.in_flight.has_value(), "engine ", s.cfg.self.short_hex(),
               ": a write completed with none queued");
  auto rd = std::move(*s.in_flight);
  s.in_flight.reset();
  if (!written && !s.stopped)
    s.stop("persisting a ready: " + written.error().detail);
  s.input([&] {
    if (s.finish(rd))
      s.raw.advance();
  });
}

void engine::close(millis) {
  impl_->closed = true;
  impl_->sync.close();
  impl_->ops.fail_all(op_errc::closed, "the group is closed", impl_->out.completions);
  impl_->reads.fail_all(op_errc::closed, "the group is closed", impl_->out.completions);
}

engine_output engine::take_output() {
  auto& s = *impl_;
  if (!s.emitted || *s.emitted != s.view)
    s.out.view = s.emitted = s.view;
  return std::exchange(s.out, {});
}

const group_view& engine::view() const { return impl_->view; }
const raft::raw_node& engine::raft() const { return impl_->raw; }
const digest& engine::lineage() const { return impl_->raw.lineage(); }
sync_totals engine::sync() const { return impl_->sync.totals(); }
bool engine::stopped() const { return impl_->stopped; }
bool engine::persisting() const { return impl_->in_flight.has_value(); }

} // namespace mosaik::groups
