#include "actors/core/groups/op_table.hpp"

#include "actors/core/check.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace mosaik::groups {

void op_table::add(op_id id, op_kind kind, std::vector<bytes> commands,
                   std::vector<std::uint64_t> proposals, millis deadline, raft::index_t applied) {
  MOSAIK_CHECK(commands.size() == proposals.size(), "op ", id, ": ", commands.size(),
               " commands but ", proposals.size(), " proposals");
  op o{kind, deadline, applied, {}};
  for (std::size_t k = 0; k < commands.size(); ++k) {
    command c;
    c.data = std::move(commands[k]);
    c.proposal = proposals[k];
    o.commands.push_back(std::move(c));
    by_proposal_[proposals[k]] = {id, k};
  }
  auto [it, fresh] = ops_.emplace(id, std::move(o));
  MOSAIK_CHECK(fresh, "op ", id, " is already in flight");
  if (kind == op_kind::execute)
    floors_.insert(applied);
}

void op_table::on_proposal(const raft::proposal_event& e, bool leader) {
  auto found = by_proposal_.find(e.id);
  if (found == by_proposal_.end())
    return; // its operation already ended
  auto [id, pos] = found->second;
  auto& c = ops_.at(id).commands.at(pos);
  touched_.insert(id);
  using o = raft::proposal_outcome;
  switch (e.outcome) {
    case o::accepted:
      c.st = state::accepted;
      c.index = e.index;
      c.term = e.term;
      return; // the commit follows
    case o::committed:
      c.st = state::committed;
      c.index = e.index;
      c.term = e.term;
      break;
    case o::no_leader:
      c.st = state::refused;
      c.refusal = op_errc::no_leader;
      break;
    case o::dropped:
      c.st = state::refused;
      c.refusal = leader ? op_errc::rejected : op_errc::offline;
      break;
    case o::leader_changed:
      // Another entry was committed at its index: it never will be.
      c.st = state::refused;
      c.refusal = op_errc::leader_changed;
      break;
    case o::unknown:
      c.st = state::unknown;
      break;
  }
  by_proposal_.erase(found); // no further event for this proposal
}

void op_table::on_applied(raft::index_t index, raft::term_t term, const apply_outcome& o) {
  if (!floors_.empty())
    applied_.insert_or_assign(index, applied_entry{term, o});
}

void op_table::settle(std::vector<completion>& out) {
  for (auto id : std::exchange(touched_, {})) {
    auto it = ops_.find(id);
    if (it == ops_.end())
      continue;
    auto& o = it->second;
    if (o.kind == op_kind::execute) {
      for (auto& c : o.commands) {
        if (c.st != state::committed || c.result)
          continue;
        auto e = applied_.find(c.index);
        MOSAIK_CHECK(e != applied_.end() && e->second.term == c.term, "op ", id,
                     ": the entry at ", c.index, " term ", c.term,
                     " committed but its outcome was not kept");
        c.result = e->second.outcome;
      }
    }
    if (auto done = outcome(id, o))
      end(it, std::move(*done), out);
  }
  prune_applied();
}

void op_table::expire(millis now, std::vector<completion>& out) {
  for (auto it = ops_.begin(); it != ops_.end();) {
    auto next = std::next(it);
    if (it->second.deadline <= now)
      end(it, failure(it->first, it->second, op_errc::timeout), out);
    it = next;
  }
  prune_applied();
}

void op_table::fail_all(op_errc code, const std::string& detail, std::vector<completion>& out) {
  for (const auto& [id, o] : ops_) {
    auto f = failure(id, o, code);
    f.failure.detail = detail;
    out.push_back(std::move(f));
  }
  ops_.clear();
  by_proposal_.clear();
  touched_.clear();
  floors_.clear();
  applied_.clear();
}

std::optional<completion> op_table::outcome(op_id id, const op& o) {
  auto count = [&](state s) {
    return std::count_if(o.commands.begin(), o.commands.end(),
                         [&](const command& c) { return c.st == s; });
  };
  auto n = static_cast<std::ptrdiff_t>(o.commands.size());
  if (count(state::refused) + count(state::unknown) > 0) {
    if (count(state::waiting) > 0)
      return std::nullopt; // the rest decides between a definite and an unknown failure
    return failure(id, o, std::nullopt);
  }
  index_range range{o.commands.front().index, o.commands.back().index};
  if (o.kind == op_kind::feed && count(state::accepted) + count(state::committed) == n)
    return fed{id, range};
  if (o.kind == op_kind::execute && count(state::committed) == n) {
    executed done{id, range, {}};
    for (const auto& c : o.commands)
      done.results.push_back(*c.result);
    return done;
  }
  return std::nullopt;
}

failed op_table::failure(op_id id, const op& o, std::optional<op_errc> forced) {
  failed f{id, {}};
  std::optional<op_errc> first_refusal;
  bool may_have_taken_effect = false;
  bool unanswered = false;
  for (const auto& c : o.commands) {
    if (c.st == state::refused) {
      f.failure.unsent.push_back(c.data);
      if (!first_refusal)
        first_refusal = c.refusal;
      may_have_taken_effect |= !is_definite(c.refusal);
    } else {
      may_have_taken_effect = true;
      unanswered |= c.st == state::unknown || c.st == state::waiting;
    }
  }
  // A forced definite code (closed, storage) only holds when nothing was
  // sent: a proposed command may be in the leader's log already.
  if (forced && (!may_have_taken_effect || !is_definite(*forced)))
    f.failure.code = *forced;
  else if (!may_have_taken_effect)
    f.failure.code = *first_refusal;
  else
    f.failure.code = unanswered ? op_errc::timeout : op_errc::leader_changed;
  f.failure.detail = std::string(to_string(f.failure.code));
  return f;
}

void op_table::end(std::map<op_id, op>::iterator it, completion c,
                   std::vector<completion>& out) {
  out.push_back(std::move(c));
  for (const auto& cmd : it->second.commands)
    by_proposal_.erase(cmd.proposal);
  if (it->second.kind == op_kind::execute)
    floors_.erase(floors_.find(it->second.floor));
  ops_.erase(it);
}

void op_table::prune_applied() {
  if (floors_.empty())
    return applied_.clear();
  applied_.erase(applied_.begin(), applied_.upper_bound(*floors_.begin()));
}

} // namespace mosaik::groups
