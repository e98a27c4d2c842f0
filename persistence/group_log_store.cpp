#include "persistence/group_log_store.hpp"

#include "persistence/key_encoding.hpp"
#include "persistence/lmdb/cursor.hpp"
#include "persistence/node_store.hpp"
#include "schemas/codec/storage_codec.hpp"

#include <lmdb.h>

namespace mosaik::persistence {

namespace {

using raft::index_t;
using raft::storage_errc;
using raft::storage_error;
using raft::term_t;

constexpr std::string_view hard_state_key = "hard_state";
constexpr std::string_view configuration_key = "configuration";
constexpr std::string_view snapshot_key = "snapshot";

storage_error error(storage_errc code, std::string detail) {
  return storage_error{code, std::move(detail)};
}

storage_error corrupted(std::string_view what, const codec::decode_error& e) {
  return error(storage_errc::corrupted,
               std::string(what) + ": " + std::string(codec::to_string(e.code)) + ": " + e.detail);
}

std::string at(index_t i) {
  return "index " + std::to_string(i);
}

/// Decodes the log record under `key`, checking that it is the entry the
/// key says.
raft::storage_result<raft::entry> read_entry(byte_view key, byte_view value,
                                             const codec::decode_limits& limits) {
  auto index = decode_index(key);
  if (!index)
    return unexpected{error(storage_errc::corrupted, "log key of " + std::to_string(key.size())
                                                       + " bytes")};
  auto e = codec::decode_stored_entry(value, limits);
  if (!e)
    return unexpected{corrupted("entry at " + at(*index), e.error())};
  if (e->index != *index)
    return unexpected{error(storage_errc::corrupted, "entry " + at(e->index) + " stored at "
                                                       + at(*index))};
  return std::move(*e);
}

/// Decodes the meta record under `key` with `decode`; a default T when the
/// record is absent (a new group).
template <class T, class Decode>
raft::storage_result<T> read_meta(const lmdb::txn& t, const lmdb::dbi& meta,
                                  std::string_view key, Decode decode,
                                  const codec::decode_limits& limits) {
  auto raw = meta.get(t, as_bytes(key));
  if (!raw)
    return T{};
  auto value = decode(*raw, limits);
  if (!value)
    return unexpected{corrupted(key, value.error())};
  return std::move(*value);
}

} // namespace

// -- opening ----------------------------------------------------------------

group_log_store::group_log_store(node_store& node, const group_id& id, const dbs& dbs,
                                 state initial)
  : node_(node), id_(id), dbs_(dbs), state_(std::move(initial)) {
}

group_log_store::~group_log_store() {
  node_.closed(id_);
}

raft::storage_result<group_log_store::state>
group_log_store::load(lmdb::txn& t, const dbs& dbs, const store_options& options) {
  const auto& limits = options.limits;
  state s;
  auto hs = read_meta<raft::hard_state>(t, dbs.meta, hard_state_key, codec::decode_hard_state,
                                        limits);
  if (!hs)
    return unexpected{hs.error()};
  auto config = read_meta<raft::configuration>(t, dbs.meta, configuration_key,
                                               codec::decode_configuration, limits);
  if (!config)
    return unexpected{config.error()};
  auto snap = read_meta<raft::snapshot_metadata>(t, dbs.meta, snapshot_key,
                                                 codec::decode_stored_snapshot_metadata, limits);
  if (!snap)
    return unexpected{snap.error()};
  s.hs = std::move(*hs);
  s.config = std::move(*config);
  s.snap = std::move(*snap);
  s.last = s.snap.index;
  s.last_term = s.snap.term;
  // The cursor is closed when this function returns, before the caller
  // commits.
  auto c = lmdb::cursor::open(t, dbs.log);
  auto first = c.first();
  if (!first)
    return s;
  auto last = c.last();
  auto first_index = decode_index(first->first);
  auto last_index = decode_index(last->first);
  // Keys are unique and sorted: the right first key and count mean no hole.
  auto count = dbs.log.size(t);
  if (!last_index || first_index != s.snap.index + 1 || count != *last_index - s.snap.index)
    return unexpected{error(storage_errc::corrupted,
                            "log is not contiguous after the snapshot at " + at(s.snap.index))};
  s.last = *last_index;
  s.last_term = std::nullopt;
  if (auto e = read_entry(last->first, last->second, limits))
    s.last_term = e->term;
  return s;
}

// -- cached state -----------------------------------------------------------

group_log_store::state group_log_store::current() const {
  std::lock_guard lock(mutex_);
  return state_;
}

void group_log_store::publish(state s) {
  std::lock_guard lock(mutex_);
  state_ = std::move(s);
}

raft::hard_state group_log_store::initial_hard_state() const {
  std::lock_guard lock(mutex_);
  return state_.hs;
}

raft::configuration group_log_store::initial_configuration() const {
  std::lock_guard lock(mutex_);
  return state_.config;
}

index_t group_log_store::first_index() const {
  std::lock_guard lock(mutex_);
  return state_.snap.index + 1;
}

index_t group_log_store::last_index() const {
  std::lock_guard lock(mutex_);
  return state_.last;
}

raft::snapshot_metadata group_log_store::snapshot() const {
  std::lock_guard lock(mutex_);
  return state_.snap;
}

// -- reads ------------------------------------------------------------------

raft::storage_result<std::vector<raft::entry>>
group_log_store::entries(index_t lo, index_t hi, std::size_t max_bytes) const {
  using result = raft::storage_result<std::vector<raft::entry>>;
  index_t first = 0;
  index_t last = 0;
  {
    std::lock_guard lock(mutex_);
    first = state_.snap.index + 1;
    last = state_.last;
  }
  if (lo < first)
    return unexpected{error(storage_errc::compacted, at(lo) + " is below " + at(first))};
  if (hi > last + 1 || lo > hi)
    return unexpected{error(storage_errc::unavailable, "range [" + std::to_string(lo) + ", "
                                                         + std::to_string(hi) + ") beyond "
                                                         + at(last))};
  if (lo == hi)
    return std::vector<raft::entry>{};
  const auto& limits = node_.options().limits;
  return node_.read<std::vector<raft::entry>>([&](lmdb::txn& t) -> result {
    std::vector<raft::entry> out;
    std::size_t total = 0;
    auto c = lmdb::cursor::open(t, dbs_.log);
    for (auto item = c.seek(encode_index(lo)); out.size() < hi - lo; item = c.next()) {
      auto expected_index = lo + out.size();
      if (!item || decode_index(item->first) != expected_index)
        return unexpected{error(storage_errc::corrupted, "log has no entry at "
                                                           + at(expected_index))};
      auto e = read_entry(item->first, item->second, limits);
      if (!e)
        return unexpected{e.error()};
      if (!out.empty() && total + e->data.size() > max_bytes)
        break;
      total += e->data.size();
      out.push_back(std::move(*e));
    }
    return out;
  });
}

raft::storage_result<term_t> group_log_store::term(index_t i) const {
  raft::snapshot_metadata snap;
  index_t last = 0;
  std::optional<term_t> last_term;
  {
    std::lock_guard lock(mutex_);
    snap.index = state_.snap.index;
    snap.term = state_.snap.term;
    last = state_.last;
    last_term = state_.last_term;
  }
  if (i == snap.index)
    return snap.term;
  if (i < snap.index)
    return unexpected{error(storage_errc::compacted, at(i) + " is at or below the snapshot")};
  if (i > last)
    return unexpected{error(storage_errc::unavailable, at(i) + " is beyond " + at(last))};
  if (i == last && last_term)
    return *last_term;
  const auto& limits = node_.options().limits;
  return node_.read<term_t>([&](lmdb::txn& t) -> raft::storage_result<term_t> {
    auto key = encode_index(i);
    auto raw = dbs_.log.get(t, key);
    if (!raw)
      return unexpected{error(storage_errc::corrupted, "log has no entry at " + at(i))};
    auto e = read_entry(key, *raw, limits);
    if (!e)
      return unexpected{e.error()};
    return e->term;
  });
}

// -- staged writes ----------------------------------------------------------

group_log_store::staged group_log_store::stage_append(lmdb::txn& t,
                                                      std::span<const raft::entry> entries,
                                                      state& s) const {
  if (entries.empty())
    return std::nullopt;
  auto from = entries.front().index;
  if (from <= s.snap.index)
    return error(storage_errc::compacted, "append at " + at(from) + ", at or below the snapshot");
  if (from > s.last + 1)
    return error(storage_errc::unavailable, "append at " + at(from) + " leaves a hole after "
                                              + at(s.last));
  for (std::size_t k = 0; k < entries.size(); ++k)
    if (entries[k].index != from + k)
      return error(storage_errc::io, "bug: appended entries are not contiguous at "
                                       + at(entries[k].index));
  if (from <= s.last)
    if (auto err = stage_truncate(t, from, s))
      return err;
  const auto& limits = node_.options().limits;
  codec::entry_encoder encoder;
  for (const auto& e : entries) {
    auto value = encoder.encode(e);
    if (value.size() > limits.max_bytes)
      return error(storage_errc::io, "entry at " + at(e.index) + " encodes to "
                                       + std::to_string(value.size()) + " bytes, over the cap");
    // Every key left is below e.index, so the entry goes at the end.
    dbs_.log.put(t, encode_index(e.index), value, MDB_APPEND);
  }
  s.last = entries.back().index;
  s.last_term = entries.back().term;
  return std::nullopt;
}

group_log_store::staged group_log_store::stage_truncate(lmdb::txn& t, index_t from,
                                                        state& s) const {
  if (from <= s.snap.index)
    return error(storage_errc::compacted, "truncate at " + at(from) + ", at or below the snapshot");
  if (from > s.last)
    return std::nullopt;
  {
    auto c = lmdb::cursor::open(t, dbs_.log);
    for (auto item = c.seek(encode_index(from)); item; item = c.next())
      c.del();
  }
  s.last = from - 1;
  if (s.last == s.snap.index) {
    s.last_term = s.snap.term;
    return std::nullopt;
  }
  s.last_term = std::nullopt;
  auto key = encode_index(s.last);
  if (auto raw = dbs_.log.get(t, key))
    if (auto e = read_entry(key, *raw, node_.options().limits))
      s.last_term = e->term;
  return std::nullopt;
}

group_log_store::staged group_log_store::stage_compact(lmdb::txn& t, index_t upto, term_t term,
                                                       const raft::configuration& config,
                                                       state& s) const {
  if (upto <= s.snap.index)
    return error(storage_errc::compacted, "compact to " + at(upto) + ", at or below the snapshot");
  if (upto > s.last)
    return error(storage_errc::unavailable, "compact to " + at(upto) + ", beyond " + at(s.last));
  if (auto why = codec::configuration_violation(config))
    return error(storage_errc::io, "bug: " + *why);
  // The anchor must name the entry it replaces (as memory_storage checks).
  auto key = encode_index(upto);
  auto raw = dbs_.log.get(t, key);
  if (!raw)
    return error(storage_errc::corrupted, "log has no entry at " + at(upto));
  auto anchor = read_entry(key, *raw, node_.options().limits);
  if (!anchor)
    return anchor.error();
  if (anchor->term != term)
    return error(storage_errc::io, "bug: compact to " + at(upto) + " with term "
                                     + std::to_string(term) + ", the entry has term "
                                     + std::to_string(anchor->term));
  {
    auto c = lmdb::cursor::open(t, dbs_.log);
    for (auto item = c.first(); item && decode_index(item->first) <= upto; item = c.next())
      c.del();
  }
  s.snap = raft::snapshot_metadata{upto, term, config};
  dbs_.meta.put(t, as_bytes(snapshot_key), codec::encode_stored_snapshot_metadata(s.snap));
  return std::nullopt;
}

group_log_store::staged group_log_store::stage_reset(lmdb::txn& t,
                                                     const raft::snapshot_metadata& meta,
                                                     state& s) const {
  if (meta.index < s.snap.index)
    return error(storage_errc::compacted, "snapshot at " + at(meta.index)
                                            + " is older than the one at " + at(s.snap.index));
  if (auto why = codec::configuration_violation(meta.config))
    return error(storage_errc::io, "bug: " + *why);
  dbs_.log.clear(t);
  s.snap = meta;
  s.last = meta.index;
  s.last_term = meta.term;
  dbs_.meta.put(t, as_bytes(snapshot_key), codec::encode_stored_snapshot_metadata(s.snap));
  return std::nullopt;
}

group_log_store::staged group_log_store::stage_hard_state(lmdb::txn& t,
                                                          const raft::hard_state& hs,
                                                          state& s) const {
  dbs_.meta.put(t, as_bytes(hard_state_key), codec::encode_hard_state(hs));
  s.hs = hs;
  return std::nullopt;
}

group_log_store::staged group_log_store::stage_configuration(lmdb::txn& t,
                                                             const raft::configuration& config,
                                                             state& s) const {
  if (auto why = codec::configuration_violation(config))
    return error(storage_errc::io, "bug: " + *why);
  dbs_.meta.put(t, as_bytes(configuration_key), codec::encode_configuration(config));
  s.config = config;
  return std::nullopt;
}

// -- single writes ----------------------------------------------------------

template <class Stage>
raft::storage_result<bool> group_log_store::write(Stage&& stage) {
  auto next = current();
  auto r = node_.write([&](lmdb::txn& t) { return stage(t, next); });
  if (r)
    publish(std::move(next));
  return r;
}

raft::storage_result<bool> group_log_store::append(std::span<const raft::entry> entries) {
  return write([&](lmdb::txn& t, state& s) { return stage_append(t, entries, s); });
}

raft::storage_result<bool> group_log_store::truncate_suffix(index_t from) {
  return write([&](lmdb::txn& t, state& s) { return stage_truncate(t, from, s); });
}

raft::storage_result<bool> group_log_store::compact(index_t upto, term_t term,
                                                    const raft::configuration& config) {
  return write([&](lmdb::txn& t, state& s) { return stage_compact(t, upto, term, config, s); });
}

raft::storage_result<bool> group_log_store::reset_to_snapshot(const raft::snapshot_metadata& meta) {
  return write([&](lmdb::txn& t, state& s) { return stage_reset(t, meta, s); });
}

raft::storage_result<bool> group_log_store::save_hard_state(const raft::hard_state& hs) {
  return write([&](lmdb::txn& t, state& s) { return stage_hard_state(t, hs, s); });
}

raft::storage_result<bool> group_log_store::save_configuration(const raft::configuration& config) {
  return write([&](lmdb::txn& t, state& s) { return stage_configuration(t, config, s); });
}

// -- snapshot chunks --------------------------------------------------------

raft::storage_result<bool> group_log_store::put_snapshot_chunk(const raft::snapshot_chunk& chunk) {
  auto value = codec::encode_snapshot_chunk(chunk);
  if (value.size() > node_.options().limits.max_bytes)
    return unexpected{error(storage_errc::io, "snapshot chunk encodes to "
                                                + std::to_string(value.size())
                                                + " bytes, over the cap")};
  return node_.write([&](lmdb::txn& t) -> staged {
    dbs_.snap.put(t, encode_index(chunk.number), value);
    return std::nullopt;
  });
}

raft::storage_result<raft::snapshot_chunk>
group_log_store::snapshot_chunk(std::uint64_t number) const {
  using result = raft::storage_result<raft::snapshot_chunk>;
  const auto& limits = node_.options().limits;
  return node_.read<raft::snapshot_chunk>([&](lmdb::txn& t) -> result {
    auto raw = dbs_.snap.get(t, encode_index(number));
    if (!raw)
      return unexpected{error(storage_errc::unavailable, "no snapshot chunk "
                                                           + std::to_string(number))};
    auto chunk = codec::decode_snapshot_chunk(*raw, limits);
    if (!chunk)
      return unexpected{corrupted("snapshot chunk " + std::to_string(number), chunk.error())};
    if (chunk->number != number)
      return unexpected{error(storage_errc::corrupted, "snapshot chunk "
                                                         + std::to_string(chunk->number)
                                                         + " stored as "
                                                         + std::to_string(number))};
    return std::move(*chunk);
  });
}

raft::storage_result<std::size_t> group_log_store::snapshot_chunk_count() const {
  return node_.read<std::size_t>(
    [&](lmdb::txn& t) -> raft::storage_result<std::size_t> { return dbs_.snap.size(t); });
}

raft::storage_result<bool> group_log_store::clear_snapshot_chunks() {
  return node_.write([&](lmdb::txn& t) -> staged {
    dbs_.snap.clear(t);
    return std::nullopt;
  });
}

} // namespace mosaik::persistence
