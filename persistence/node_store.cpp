#include "persistence/node_store.hpp"

#include "persistence/group_log_store.hpp"
#include "persistence/lmdb/dbi.hpp"

#include <lmdb.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

namespace mosaik::persistence {

namespace {

using raft::storage_errc;
using raft::storage_error;

// The version of the record layout; a store written by another version is
// refused rather than misread.
constexpr std::uint8_t format_version = 1;
constexpr std::string_view format_key = "format";

unexpected<storage_error> io_error(std::string detail) {
  return unexpected{storage_error{storage_errc::io, std::move(detail)}};
}

// LMDB breaks its locks when one process opens an environment twice, so the
// process remembers which directories it has open.
std::mutex open_dirs_mutex;
std::set<std::filesystem::path> open_dirs;

std::string db_name(const group_id& id, std::string_view table) {
  return id.hex() + "." + std::string(table);
}

// How an LMDB failure reaches the Raft core.
storage_error to_storage_error(const lmdb::error& e) {
  if (e.code() == MDB_MAP_FULL || e.code() == ENOSPC)
    return {storage_errc::full, e.what()};
  switch (e.kind()) {
    case lmdb::error_kind::fatal:
      return {e.code() == MDB_PANIC || e.code() == EIO ? storage_errc::io : storage_errc::corrupted,
              e.what()};
    case lmdb::error_kind::bug:
      return {storage_errc::io, std::string("bug: ") + e.what()};
    case lmdb::error_kind::recoverable:
      break;
  }
  return {storage_errc::io, e.what()};
}

void check_format(const lmdb::env& env) {
  auto t = lmdb::txn::begin_write(env);
  auto db = lmdb::dbi::open(t, "mosaik", true);
  if (auto stored = db.get(t, as_bytes(format_key))) {
    if (stored->size() != 1 || (*stored)[0] != format_version)
      throw std::runtime_error("unsupported storage format");
    return; // the transaction is aborted: nothing to write
  }
  db.put(t, as_bytes(format_key), byte_view{&format_version, 1});
  t.commit();
}

} // namespace

raft::storage_result<std::unique_ptr<node_store>>
node_store::open(const std::filesystem::path& dir, const store_options& options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return io_error("cannot create " + dir.string() + ": " + ec.message());
  auto canonical = std::filesystem::weakly_canonical(dir, ec);
  if (ec)
    return io_error(dir.string() + ": " + ec.message());
  {
    std::lock_guard lock(open_dirs_mutex);
    if (!open_dirs.insert(canonical).second)
      return io_error(canonical.string() + " is already open in this process");
  }
  auto forget = [&] {
    std::lock_guard lock(open_dirs_mutex);
    open_dirs.erase(canonical);
  };
  try {
    lmdb::env_options env_options{options.map_size, 3 * options.max_groups + 1,
                                  options.max_readers};
    auto env = lmdb::env::open(canonical, env_options);
    check_format(env);
    return std::unique_ptr<node_store>(new node_store(canonical, std::move(env), options));
  } catch (const lmdb::error& e) {
    forget();
    auto err = to_storage_error(e);
    err.detail = canonical.string() + ": " + err.detail;
    return unexpected{std::move(err)};
  } catch (const std::exception& e) {
    forget();
    return io_error(canonical.string() + ": " + e.what());
  }
}

node_store::node_store(std::filesystem::path dir, lmdb::env env, const store_options& options)
  : dir_(std::move(dir)), env_(std::move(env)), options_(options) {
}

node_store::~node_store() {
  std::lock_guard lock(open_dirs_mutex);
  open_dirs.erase(dir_);
}

raft::storage_result<std::unique_ptr<group_log_store>>
node_store::open_group(const group_id& id) {
  std::lock_guard lock(groups_mutex_);
  if (open_groups_.contains(id))
    return io_error("group " + id.short_hex() + " is already open");
  std::optional<group_log_store::dbs> dbs;
  std::optional<group_log_store::state> initial;
  auto r = write([&](lmdb::txn& t) -> std::optional<storage_error> {
    dbs = group_log_store::dbs{lmdb::dbi::open(t, db_name(id, "log").c_str(), true),
                               lmdb::dbi::open(t, db_name(id, "meta").c_str(), true),
                               lmdb::dbi::open(t, db_name(id, "snap").c_str(), true)};
    auto loaded = group_log_store::load(t, *dbs, options_);
    if (!loaded)
      return loaded.error();
    initial = std::move(*loaded);
    return std::nullopt;
  });
  if (!r)
    return unexpected{r.error()};
  open_groups_.insert(id);
  return std::unique_ptr<group_log_store>(
    new group_log_store(*this, id, *dbs, std::move(*initial)));
}

void node_store::closed(const group_id& id) {
  std::lock_guard lock(groups_mutex_);
  open_groups_.erase(id);
}

raft::storage_result<bool> node_store::commit(std::span<const group_write> writes) {
  for (const auto& w : writes)
    if (w.store == nullptr || &w.store->node_ != this)
      return io_error("bug: group commit with a store of another node");
  std::vector<std::pair<group_log_store*, group_log_store::state>> staged;
  auto r = write([&](lmdb::txn& t) -> std::optional<storage_error> {
    staged.clear();
    for (const auto& w : writes) {
      auto it = std::find_if(staged.begin(), staged.end(),
                             [&](const auto& s) { return s.first == w.store; });
      if (it == staged.end())
        it = staged.insert(staged.end(), {w.store, w.store->current()});
      auto& s = it->second;
      auto failed = [&](const storage_error& err) {
        return storage_error{err.code, "group " + w.store->id().short_hex() + ": " + err.detail};
      };
      if (w.snapshot)
        if (auto err = w.store->stage_reset(t, *w.snapshot, s))
          return failed(*err);
      if (!w.entries.empty())
        if (auto err = w.store->stage_append(t, w.entries, s))
          return failed(*err);
      if (w.hard_state)
        if (auto err = w.store->stage_hard_state(t, *w.hard_state, s))
          return failed(*err);
      if (w.config)
        if (auto err = w.store->stage_configuration(t, *w.config, s))
          return failed(*err);
    }
    return std::nullopt;
  });
  if (r)
    for (auto& [store, s] : staged)
      store->publish(std::move(s));
  return r;
}

raft::storage_error node_store::fail(const lmdb::error& e) const {
  if (e.kind() == lmdb::error_kind::fatal)
    failed_ = true;
  return to_storage_error(e);
}

std::optional<raft::storage_error> node_store::check_usable() const {
  if (failed_)
    return storage_error{storage_errc::io, dir_.string() + " failed fatally; reopen the store"};
  return std::nullopt;
}

} // namespace mosaik::persistence
