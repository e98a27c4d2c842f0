#include "tests/sim/group_history.hpp"

#include "tests/sim/linearizability.hpp"
#include "tests/support/testing.hpp"

#include <caf/meta/type_name.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <variant>

namespace mosaik::sim {

namespace {

using namespace std::chrono_literals;

// -- the machine: registers with write and compare-and-set ---------------------

struct reg_command {
  bool cas = false;
  std::uint32_t key = 0;
  std::uint64_t expected = 0; // cas only
  std::uint64_t value = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reg_command& c) {
  return f(caf::meta::type_name("reg_command"), c.cas, c.key, c.expected, c.value);
}

struct registers {
  using command = reg_command;
  using query = std::uint32_t;
  using result = std::uint64_t;
  static constexpr std::string_view signature = "test.registers.v1";

  std::map<std::uint32_t, std::uint64_t> values;

  /// False when a cas found another value (nothing changes).
  bool apply(const reg_command& c, const groups::apply_context&) {
    if (c.cas && read(c.key) != c.expected)
      return false;
    values[c.key] = c.value;
    return true;
  }
  std::uint64_t read(const std::uint32_t& key) const {
    auto i = values.find(key);
    return i == values.end() ? 0 : i->second;
  }
};

using group_t = testing::cluster_group<registers>;
using exec_slot = testing::slot<executed<registers>>;
using read_slot = testing::slot<query_result<registers>>;

constexpr std::uint32_t keys = 2;
constexpr auto tick = 50ms;
constexpr auto op_timeout = 3s;
/// A slot still empty this long after its call lost its answer (the node
/// crashed with the operation in flight).
constexpr std::uint64_t lost_after_ms = 6000;

// -- one run -------------------------------------------------------------------

struct op_record {
  std::uint32_t key = 0;
  std::size_t node = 0;
  register_op op;
  enum class status : std::uint8_t { pending, done, unknown, failed } st = status::pending;
  raft::index_t index = 0; // acknowledged executes: where they committed
};

struct client {
  std::size_t node = 0;
  std::optional<std::size_t> op; // in flight
  std::variant<std::monostate, exec_slot, read_slot> slot;
  std::uint64_t called_ms = 0;
  std::uint64_t idle_until_ms = 0;
  std::uint64_t counter = 0;
  std::map<std::uint32_t, std::uint64_t> seen;
  bool final_write_done = false;
};

enum class fault : std::uint8_t { isolate, crash, partition, lose_bytes };

struct repair {
  std::uint64_t at_ms = 0;
  fault kind = fault::isolate;
  std::size_t a = 0, b = 0;
};

class group_run {
public:
  explicit group_run(const group_run_options& o)
    : o_(o), rng_(o.seed ^ 0x9e0b5eedULL), n_(o.nodes != 0 ? o.nodes : pick_nodes()), c_(n_, o.seed) {
    report_.nodes = n_;
    for (std::size_t i = 0; i < n_; ++i) {
      c_.config(i).groups.bugs = o.bugs;
      if (o.slow_appends) {
        c_.config(i).groups.max_append_bytes = 1024;
        c_.config(i).groups.max_inflight = 1;
      }
    }
    c_.start_all();
    g_ = c_.join_all<registers>("registers");
    for (std::size_t k = 0; k < n_ + 2; ++k) {
      clients_.emplace_back();
      clients_.back().node = k % n_;
    }
    healthy_.assign(n_, true);
  }

  group_run_report run() {
    if (!c_.run_until([&] { return c_.formed(g_, n_); }, 60s))
      return fail("liveness: the group did not form within 60 s");
    next_fault_ms_ = 2000 + below(3000);
    while (now_ms_ < o_.fault_seconds * 1000ULL)
      step(true);
    heal_all();
    if (!settle())
      return report_;
    check_history();
    count_sync();
    return report_;
  }

private:
  std::size_t pick_nodes() { return below(2) == 0 ? 3 : 5; }
  std::uint64_t below(std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>{0, n - 1}(rng_); }

  void count_sync() {
    metrics::labels l{{"group", g_.id.short_hex()}};
    for (std::size_t i = 0; i < n_; ++i) {
      report_.sync_sessions += c_.counter(i, "mosaik.groups.sync.sessions.started", l);
      report_.sync_fetched += c_.counter(i, "mosaik.groups.sync.entries.fetched", l);
    }
  }

  group_run_report fail(std::string why) {
    if (report_.ok) {
      report_.ok = false;
      report_.violation = std::move(why);
    }
    return report_;
  }

  /// One tick: answers in, faults, new operations, then simulated time.
  void step(bool faults) {
    collect();
    if (faults)
      inject_fault();
    repair_due();
    issue();
    c_.run(tick, tick);
    now_ms_ += static_cast<std::uint64_t>(tick.count());
  }

  // -- clients -------------------------------------------------------------------

  void issue() {
    for (std::size_t k = 0; k < clients_.size(); ++k) {
      auto& cl = clients_[k];
      if (cl.op || now_ms_ < cl.idle_until_ms || !c_.started(cl.node) || (healing_ && cl.final_write_done))
        continue;
      op_record rec;
      rec.node = cl.node;
      rec.key = static_cast<std::uint32_t>(below(keys));
      auto r = below(10);
      rec.op.op = healing_ ? register_op::kind::write
                  : r < 4  ? register_op::kind::write
                  : r < 6  ? register_op::kind::cas
                           : register_op::kind::read;
      rec.op.value = (std::uint64_t{k + 1} << 40) | ++cl.counter;
      rec.op.expected = cl.seen[rec.key];
      rec.op.call = ++clock_;
      rec.op.id = ops_.size();
      if (rec.op.op == register_op::kind::read)
        cl.slot = c_.query(g_, cl.node, rec.key, groups::consistency::strong, op_timeout);
      else
        cl.slot = c_.execute(g_, cl.node,
                             reg_command{rec.op.op == register_op::kind::cas, rec.key, rec.op.expected,
                                         rec.op.value},
                             op_timeout);
      cl.op = ops_.size();
      cl.called_ms = now_ms_;
      ops_.push_back(rec);
      ++report_.ops;
    }
  }

  void collect() {
    for (auto& cl : clients_) {
      if (!cl.op)
        continue;
      auto& rec = ops_[*cl.op];
      bool answered = std::visit(
        [&](auto& s) {
          if constexpr (std::is_same_v<std::decay_t<decltype(s)>, std::monostate>)
            return false;
          else
            return s->has_value() && (settle_op(cl, rec, **s), true);
        },
        cl.slot);
      if (!answered && now_ms_ - cl.called_ms >= lost_after_ms)
        rec.st = rec.op.op == register_op::kind::read ? op_record::status::failed : op_record::status::unknown;
      if (rec.st == op_record::status::pending)
        continue;
      report_.unknown += rec.st == op_record::status::unknown ? 1 : 0;
      cl.op.reset();
      cl.slot = std::monostate{};
      cl.idle_until_ms = now_ms_ + below(300);
    }
  }

  void settle_op(client& cl, op_record& rec, expected<query_result<registers>, group_error>& r) {
    if (!r) {
      rec.st = op_record::status::failed;
      return;
    }
    rec.op.value = r->value;
    rec.op.ret = ++clock_;
    rec.st = op_record::status::done;
    cl.seen[rec.key] = r->value;
    ++report_.reads;
  }

  void settle_op(client& cl, op_record& rec, expected<executed<registers>, group_error>& r) {
    if (!r) {
      // Closed: the node stopped under it (a crash), after proposing or not.
      bool definite = groups::is_definite(r.error().code) && r.error().code != groups::op_errc::closed;
      rec.st = definite ? op_record::status::failed : op_record::status::unknown;
      return;
    }
    if (r->results.size() != 1 || !r->results[0]) {
      fail("api: an execute answered without its one outcome");
      rec.st = op_record::status::failed;
      return;
    }
    rec.op.ok = *r->results[0];
    rec.op.ret = ++clock_;
    rec.st = op_record::status::done;
    rec.index = r->range.first;
    if (rec.op.ok)
      cl.seen[rec.key] = rec.op.value;
    ++report_.acknowledged;
    if (healing_ && rec.op.op == register_op::kind::write)
      cl.final_write_done = true;
  }

  // -- faults --------------------------------------------------------------------

  std::optional<std::size_t> healthy_node() {
    std::vector<std::size_t> ok;
    for (std::size_t i = 0; i < n_; ++i)
      if (healthy_[i])
        ok.push_back(i);
    if (ok.empty())
      return std::nullopt;
    // Half the time the leader, so that leadership changes hands often.
    auto l = c_.leader(g_);
    if (l && healthy_[*l] && below(2) == 0)
      return *l;
    return ok[below(ok.size())];
  }

  void inject_fault() {
    if (now_ms_ < next_fault_ms_)
      return;
    next_fault_ms_ = now_ms_ + 500 + below(3000);
    auto kind = static_cast<fault>(below(4));
    // At most (n - 1) / 2 faults at a time (a partition between two nodes
    // counts as one), so that a majority keeps serving; one fault in eight
    // may take the majority away for a while.
    auto limit = below(8) == 0 ? n_ - 1 : (n_ - 1) / 2;
    if (kind != fault::lose_bytes && repairs_.size() + 1 > limit)
      return;
    auto a = healthy_node();
    if (!a)
      return;
    auto until = now_ms_ + 1000 + below(7000);
    switch (kind) {
      case fault::isolate:
        c_.isolate(*a);
        break;
      case fault::crash:
        // As a killed process (its connections reset) or a vanished host
        // (they go silent).
        c_.crash(*a, below(2) == 0 ? testing::cluster::crash_mode::reset
                                   : testing::cluster::crash_mode::silent);
        break;
      case fault::partition: {
        auto b = (*a + 1 + below(n_ - 1)) % n_;
        if (!healthy_[b])
          return;
        c_.partition(*a, b);
        ++report_.faults;
        healthy_[*a] = healthy_[b] = false;
        repairs_.push_back({until, kind, *a, b});
        return;
      }
      case fault::lose_bytes: {
        auto b = (*a + 1 + below(n_ - 1)) % n_;
        c_.lose_in_flight(*a, b);
        ++report_.faults;
        return;
      }
    }
    ++report_.faults;
    healthy_[*a] = false;
    repairs_.push_back({until, kind, *a, *a});
  }

  void repair_due() {
    for (auto r = repairs_.begin(); r != repairs_.end();) {
      if (r->at_ms > now_ms_) {
        ++r;
        continue;
      }
      undo(*r);
      r = repairs_.erase(r);
    }
  }

  void undo(const repair& r) {
    switch (r.kind) {
      case fault::isolate: c_.rejoin(r.a); break;
      case fault::crash: c_.restart(r.a); break;
      case fault::partition: c_.heal(r.a, r.b); break;
      case fault::lose_bytes: break;
    }
    healthy_[r.a] = healthy_[r.b] = true;
  }

  void heal_all() {
    for (const auto& r : repairs_)
      undo(r);
    repairs_.clear();
  }

  // -- after healing -------------------------------------------------------------

  /// The group forms again, a new write commits from every client, and the
  /// replicas converge. False (with the violation) when one of them fails.
  bool settle() {
    healing_ = true;
    std::uint64_t deadline = now_ms_ + 120'000;
    while (!c_.formed(g_, n_) || !all_final_writes()) {
      if (now_ms_ >= deadline) {
        fail(c_.formed(g_, n_) ? "liveness: a write did not commit within 120 s of healing"
                               : "liveness: the group did not form again within 120 s of healing");
        return false;
      }
      step(false);
    }
    while (std::any_of(clients_.begin(), clients_.end(), [](const client& cl) { return cl.op.has_value(); }))
      step(false);
    std::string why;
    if (!c_.run_until([&] { return converged(why); }, 60s)) {
      fail("convergence: " + why);
      return false;
    }
    return true;
  }

  bool all_final_writes() const {
    return std::all_of(clients_.begin(), clients_.end(), [](const client& cl) { return cl.final_write_done; });
  }

  /// Every replica applied the leader's commit and reads the same values.
  bool converged(std::string& why) {
    auto l = c_.leader(g_);
    if (!l) {
      why = "no leader";
      return false;
    }
    auto commit = c_.view(*l, g_)->commit;
    for (std::size_t i = 0; i < n_; ++i) {
      auto v = c_.view(i, g_);
      if (!v || v->applied != commit) {
        why = "node " + std::to_string(i) + " applied " + (v ? std::to_string(v->applied) : "-")
              + ", the leader committed " + std::to_string(commit);
        return false;
      }
    }
    for (std::uint32_t key = 0; key < keys; ++key) {
      std::set<std::uint64_t> values;
      for (std::size_t i = 0; i < n_; ++i) {
        auto q = c_.query(g_, i, key, groups::consistency::weak, 1s);
        if (!c_.await(q, 2s) || !q->value()) {
          why = "node " + std::to_string(i) + " did not answer a weak query";
          return false;
        }
        values.insert(q->value()->value);
      }
      if (values.size() != 1) {
        why = "the replicas disagree on key " + std::to_string(key);
        return false;
      }
    }
    return true;
  }

  void check_history() {
    std::map<raft::index_t, std::size_t> at_index;
    std::map<std::uint32_t, std::vector<register_op>> per_key;
    for (const auto& rec : ops_) {
      if (rec.st == op_record::status::failed || rec.st == op_record::status::pending)
        continue;
      if (rec.index != 0 && !at_index.emplace(rec.index, rec.op.id).second)
        return (void)fail("execute: two operations acknowledged at index " + std::to_string(rec.index));
      auto op = rec.op;
      if (rec.st == op_record::status::unknown)
        op.ret = never;
      per_key[rec.key].push_back(op);
    }
    for (const auto& [key, history] : per_key) {
      auto verdict = check_register(history);
      if (verdict.v == lin_result::verdict::inconclusive)
        report_.inconclusive = true;
      if (verdict.v == lin_result::verdict::violation)
        return (void)fail("linearizability: key " + std::to_string(key) + ": " + verdict.detail);
    }
  }

  group_run_options o_;
  std::mt19937_64 rng_;
  std::size_t n_;
  testing::cluster c_;
  group_t g_;
  std::vector<client> clients_;
  std::vector<op_record> ops_;
  std::vector<bool> healthy_;
  std::vector<repair> repairs_;
  std::uint64_t now_ms_ = 0;
  std::uint64_t next_fault_ms_ = 0;
  std::uint64_t clock_ = 0;
  bool healing_ = false;
  group_run_report report_;
};

} // namespace

group_run_report run_group_history(const group_run_options& o) {
  group_run run{o};
  return run.run();
}

} // namespace mosaik::sim
