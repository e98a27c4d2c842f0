#include "actors/core/groups/read_batcher.hpp"

#include "actors/core/check.hpp"

#include <algorithm>

namespace mosaik::groups {

namespace {

failed failure(op_id id, op_errc code, std::string detail = {}) {
  if (detail.empty())
    detail = std::string(to_string(code));
  return failed{id, {code, std::move(detail), {}}};
}

} // namespace

void read_batcher::add(op_id id, bytes q, millis deadline) {
  next_.push_back({id, std::move(q), deadline, 0});
}

void read_batcher::started(std::uint64_t read_id) {
  MOSAIK_CHECK(wants_round(), "read round ", read_id, " started while ",
               round_ ? "another is in flight" : "no query waits");
  round_ = read_id;
  in_round_ = std::move(next_);
  next_.clear();
  ++rounds_;
}

void read_batcher::on_read_state(const raft::read_state& rs, std::vector<completion>& out) {
  if (rs.id != round_)
    return; // not ours: the engine's read ids are only rounds, one at a time
  round_.reset();
  auto batch = std::move(in_round_);
  in_round_.clear();
  using o = raft::read_outcome;
  for (auto& r : batch) {
    switch (rs.outcome) {
      case o::ready:
        r.index = rs.index;
        ready_.push_back(std::move(r));
        break;
      case o::no_leader: out.push_back(failure(r.id, op_errc::no_leader)); break;
      case o::dropped: out.push_back(failure(r.id, op_errc::offline)); break;
      case o::timeout: out.push_back(failure(r.id, op_errc::timeout)); break;
    }
  }
}

void read_batcher::serve(raft::index_t applied, const machine& m, std::vector<completion>& out) {
  std::erase_if(ready_, [&](const read& r) {
    if (r.index > applied)
      return false;
    auto answer = m.query(r.q);
    if (answer)
      out.push_back(queried{r.id, std::move(*answer), applied});
    else
      out.push_back(failure(r.id, op_errc::rejected, answer.error()));
    return true;
  });
}

void read_batcher::expire(millis now, bool leader_known, std::vector<completion>& out) {
  auto expire_in = [&](std::vector<read>& reads, op_errc code) {
    std::erase_if(reads, [&](const read& r) {
      if (r.deadline > now)
        return false;
      out.push_back(failure(r.id, code));
      return true;
    });
  };
  expire_in(next_, leader_known ? op_errc::timeout : op_errc::offline);
  expire_in(in_round_, op_errc::timeout);
  expire_in(ready_, op_errc::timeout);
}

void read_batcher::fail_all(op_errc code, const std::string& detail,
                            std::vector<completion>& out) {
  for (auto* reads : {&next_, &in_round_, &ready_}) {
    for (const auto& r : *reads)
      out.push_back(failure(r.id, code, detail));
    reads->clear();
  }
}

bool read_batcher::contains(op_id id) const {
  auto has = [&](const std::vector<read>& reads) {
    return std::any_of(reads.begin(), reads.end(), [&](const read& r) { return r.id == id; });
  };
  return has(next_) || has(in_round_) || has(ready_);
}

} // namespace mosaik::groups
