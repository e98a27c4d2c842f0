#include "actors/core/raft/memory_storage.hpp"

#include <string>

namespace mosaik::raft {

namespace {

unexpected<storage_error> fail(storage_errc code, std::string detail) {
  return unexpected{storage_error{code, std::move(detail)}};
}

index_t last_of(const auto& s) {
  return s.snap.index + s.log.size();
}

} // namespace

storage_result<std::vector<entry>> memory_storage::entries(index_t lo, index_t hi,
                                                           std::size_t max_bytes) const {
  if (lo <= current_.snap.index)
    return fail(storage_errc::compacted, "entries from " + std::to_string(lo));
  if (hi > last_index() + 1 || lo > hi)
    return fail(storage_errc::unavailable, "entries up to " + std::to_string(hi));
  std::vector<entry> out;
  std::size_t size = 0;
  for (auto i = lo; i < hi; ++i) {
    const auto& e = current_.log[i - current_.snap.index - 1];
    size += e.data.size();
    if (!out.empty() && size > max_bytes)
      break;
    out.push_back(e);
  }
  return out;
}

storage_result<term_t> memory_storage::term(index_t i) const {
  if (i < current_.snap.index)
    return fail(storage_errc::compacted, "term at " + std::to_string(i));
  if (i == current_.snap.index)
    return current_.snap.term;
  if (i > last_index())
    return fail(storage_errc::unavailable, "term at " + std::to_string(i));
  return current_.log[i - current_.snap.index - 1].term;
}

storage_result<bool> memory_storage::validate(const state& s, const write& w) {
  if (auto* a = std::get_if<append_op>(&w)) {
    if (a->entries.empty())
      return true;
    auto first = a->entries.front().index;
    if (first <= s.snap.index || first > last_of(s) + 1)
      return fail(storage_errc::unavailable, "append at " + std::to_string(first));
    for (std::size_t k = 1; k < a->entries.size(); ++k)
      if (a->entries[k].index != first + k)
        return fail(storage_errc::io, "append of non-contiguous entries");
  } else if (auto* c = std::get_if<compact_op>(&w)) {
    if (c->upto <= s.snap.index)
      return fail(storage_errc::compacted, "compact to " + std::to_string(c->upto));
    if (c->upto > last_of(s))
      return fail(storage_errc::unavailable, "compact to " + std::to_string(c->upto));
    if (s.log[c->upto - s.snap.index - 1].term != c->term)
      return fail(storage_errc::io, "compact with a term the entry does not have");
  } else if (auto* t = std::get_if<truncate_op>(&w)) {
    if (t->from <= s.snap.index)
      return fail(storage_errc::compacted, "truncate from " + std::to_string(t->from));
  }
  return true;
}

void memory_storage::apply(state& s, const write& w) {
  if (auto* a = std::get_if<append_op>(&w)) {
    if (a->entries.empty())
      return;
    s.log.resize(a->entries.front().index - s.snap.index - 1);
    s.log.insert(s.log.end(), a->entries.begin(), a->entries.end());
  } else if (auto* t = std::get_if<truncate_op>(&w)) {
    if (t->from <= last_of(s))
      s.log.resize(t->from - s.snap.index - 1);
  } else if (auto* c = std::get_if<compact_op>(&w)) {
    s.log.erase(s.log.begin(), s.log.begin() + static_cast<std::ptrdiff_t>(c->upto - s.snap.index));
    s.snap = snapshot_metadata{c->upto, c->term, c->config};
  } else if (auto* meta = std::get_if<snapshot_metadata>(&w)) {
    s.log.clear();
    s.snap = *meta;
  } else if (auto* hs = std::get_if<hard_state>(&w)) {
    s.hs = *hs;
  } else if (auto* config = std::get_if<configuration>(&w)) {
    s.config = *config;
  }
}

storage_result<bool> memory_storage::record(write w) {
  auto ok = validate(current_, w);
  if (!ok)
    return ok;
  apply(current_, w);
  pending_.push_back(std::move(w));
  return true;
}

storage_result<bool> memory_storage::append(std::span<const entry> entries) {
  return record(append_op{{entries.begin(), entries.end()}});
}

storage_result<bool> memory_storage::truncate_suffix(index_t from) {
  return record(truncate_op{from});
}

storage_result<bool> memory_storage::compact(index_t upto, term_t term,
                                             const configuration& config) {
  return record(compact_op{upto, term, config});
}

storage_result<bool> memory_storage::reset_to_snapshot(const snapshot_metadata& meta) {
  return record(meta);
}

storage_result<bool> memory_storage::save_hard_state(const hard_state& hs) {
  return record(hs);
}

storage_result<bool> memory_storage::save_configuration(const configuration& config) {
  return record(config);
}

void memory_storage::sync() {
  for (const auto& w : pending_)
    apply(durable_, w);
  pending_.clear();
}

void memory_storage::crash(std::size_t keep) {
  for (std::size_t k = 0; k < keep && k < pending_.size(); ++k)
    apply(durable_, pending_[k]);
  pending_.clear();
  current_ = durable_;
}

} // namespace mosaik::raft
