#include "tests/sim/linearizability.hpp"

#include "actors/core/rng.hpp"

#include <algorithm>
#include <unordered_set>
#include <utility>

namespace mosaik::sim {

namespace {

struct event {
  std::size_t op = 0;
  bool is_call = true;
  event* prev = nullptr;
  event* next = nullptr;
  event* ret = nullptr; // a call's return event, if its outcome is known
};

struct key_hash {
  std::size_t operator()(const std::pair<std::uint64_t, std::uint64_t>& k) const {
    return static_cast<std::size_t>(k.first ^ (k.second * 0x9e3779b97f4a7c15ULL));
  }
};

/// Whether `op` can take effect in `state`, and the state after it.
std::pair<bool, std::uint64_t> step(const register_op& op, std::uint64_t state) {
  switch (op.op) {
    case register_op::kind::write:
      return {true, op.value};
    case register_op::kind::read:
      return {state == op.value, state};
    case register_op::kind::cas:
      // A cas whose outcome is unknown only matters if it swapped.
      if (op.ret == never || op.ok)
        return {state == op.expected, op.value};
      return {state != op.expected, state};
  }
  return {false, state};
}

void unlink(event* e) {
  e->prev->next = e->next;
  if (e->next)
    e->next->prev = e->prev;
}

void relink(event* e) {
  e->prev->next = e;
  if (e->next)
    e->next->prev = e;
}

std::string describe(const register_op& op) {
  static constexpr const char* names[] = {"write", "cas", "read"};
  auto s = std::string(names[static_cast<int>(op.op)]) + " #" + std::to_string(op.id) + " value "
           + std::to_string(op.value);
  if (op.op == register_op::kind::cas)
    s += " expected " + std::to_string(op.expected) + (op.ok ? " ok" : " failed");
  return s + " [" + std::to_string(op.call) + ", "
         + (op.ret == never ? std::string("?") : std::to_string(op.ret)) + "]";
}

/// "Some value nothing observes": what an unknown write whose value is never
/// read leaves in the register.
constexpr std::uint64_t bottom = never - 1;

struct prepared {
  std::vector<register_op> ops;
  std::vector<bool> anonymous; // interchangeable: an unknown write of bottom
};

prepared prepare(const std::vector<register_op>& all) {
  // An op with an unknown outcome can be linearized last (or not at all)
  // unless something depends on the state it leaves: a read returning its
  // value, a cas expecting it, or a failed cas (which may need *some* other
  // value there) answered after the op began. The first kind is kept as it
  // is; the last kind only matters as "a value nobody reads", so such writes
  // become interchangeable writes of `bottom`; the rest are dropped. Without
  // this the search branches over every subset of them.
  std::unordered_set<std::uint64_t> observed;
  std::uint64_t last_failed_cas = 0;
  for (const auto& op : all) {
    if (op.op == register_op::kind::read)
      observed.insert(op.value);
    else if (op.op == register_op::kind::cas && op.ret != never) {
      observed.insert(op.expected);
      if (!op.ok)
        last_failed_cas = std::max(last_failed_cas, op.ret);
    }
  }
  prepared p;
  for (auto op : all) {
    bool anonymous = false;
    if (op.ret == never && !observed.contains(op.value)) {
      if (last_failed_cas <= op.call)
        continue;
      op.value = bottom;
      anonymous = op.op == register_op::kind::write;
    }
    p.ops.push_back(op);
    p.anonymous.push_back(anonymous);
  }
  return p;
}

} // namespace

lin_result check_register(const std::vector<register_op>& all, std::uint64_t initial,
                          std::uint64_t budget) {
  auto prep = prepare(all);
  const auto& ops = prep.ops;
  // Events in time order: calls and the returns of ops with known outcome.
  std::vector<event> events;
  events.reserve(ops.size() * 2);
  std::vector<std::pair<std::uint64_t, std::size_t>> order;
  for (std::size_t k = 0; k < ops.size(); ++k) {
    order.push_back({ops[k].call * 2 + 1, events.size()});
    events.push_back({k, true});
    if (ops[k].ret != never) {
      order.push_back({ops[k].ret * 2, events.size()});
      events.push_back({k, false});
    }
  }
  for (std::size_t k = 0; k < events.size(); ++k)
    if (!events[k].is_call)
      events[k - 1].ret = &events[k];
  std::sort(order.begin(), order.end());
  event head;
  event* tail = &head;
  std::size_t returns = 0;
  for (auto [time, idx] : order) {
    auto* e = &events[idx];
    e->prev = tail;
    tail->next = e;
    tail = e;
    returns += e->is_call ? 0 : 1;
  }

  // Additive Zobrist hashing of the set of linearized ops, for the memo
  // table. Interchangeable ops share one value, so the table sees how many
  // of them were used, not which (the search takes the earliest first).
  rng r(0x11ea41ULL);
  auto shared = r.next();
  std::vector<std::uint64_t> zobrist(ops.size());
  for (std::size_t k = 0; k < ops.size(); ++k)
    zobrist[k] = prep.anonymous[k] ? shared : r.next();

  std::unordered_set<std::pair<std::uint64_t, std::uint64_t>, key_hash> seen;
  std::vector<std::pair<event*, std::uint64_t>> stack;
  std::uint64_t state = initial;
  std::uint64_t linearized = 0;
  lin_result result;
  std::size_t deepest = 0;
  std::string blocked = "no linearization found";
  event* e = head.next;
  while (returns > 0) {
    if (++result.explored > budget) {
      result.v = lin_result::verdict::inconclusive;
      result.detail = "search budget exhausted";
      return result;
    }
    if (e && e->is_call) {
      auto [ok, next] = step(ops[e->op], state);
      auto set = linearized + zobrist[e->op];
      if (ok && seen.insert({set, next}).second) {
        stack.push_back({e, state});
        state = next;
        linearized = set;
        unlink(e);
        if (e->ret) {
          unlink(e->ret);
          --returns;
        }
        e = head.next;
      } else {
        e = e->next;
      }
      continue;
    }
    // An op returned before we could linearize it here: undo the last choice.
    if (e && stack.size() >= deepest) {
      deepest = stack.size();
      blocked = "after linearizing " + std::to_string(deepest) + " ops in state "
                + (state == bottom ? std::string("<a value nobody read>") : std::to_string(state))
                + ", nothing explains " + describe(ops[e->op]);
    }
    if (stack.empty()) {
      result.v = lin_result::verdict::violation;
      result.detail = blocked;
      return result;
    }
    auto [call, before] = stack.back();
    stack.pop_back();
    if (call->ret) {
      relink(call->ret);
      ++returns;
    }
    relink(call);
    state = before;
    linearized -= zobrist[call->op];
    e = call->next;
  }
  return result;
}

} // namespace mosaik::sim
