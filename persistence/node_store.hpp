#pragma once
// A node's durable store: one LMDB environment in the node's data directory,
// shared by every Raft group the node joins. Each group gets three named
// databases (log, meta, snapshot chunks) behind a group_log_store; commit()
// writes the appends and hard states of many groups in one durable
// transaction (group commit).
//
// Errors: LMDB failures become storage_errc (full for a full map, corrupted
// for a damaged environment, io otherwise). After a fatal LMDB error every
// call fails with io and the store must be reopened.

#include "actors/core/ids/ids.hpp"
#include "actors/core/raft/storage.hpp"
#include "persistence/group_write.hpp"
#include "persistence/lmdb/env.hpp"
#include "persistence/lmdb/error.hpp"
#include "persistence/lmdb/txn.hpp"
#include "persistence/store_options.hpp"

#include <atomic>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>

namespace mosaik::persistence {

class group_log_store;

class node_store {
public:
  /// Opens (creating if needed) the store in `dir`. At most one node_store
  /// per directory and process: LMDB's locks break if an environment is
  /// opened twice in one process.
  static raft::storage_result<std::unique_ptr<node_store>>
  open(const std::filesystem::path& dir, const store_options& options = {});

  node_store(const node_store&) = delete;
  node_store& operator=(const node_store&) = delete;
  /// Every group_log_store of this node must be destroyed first.
  ~node_store();

  /// The storage of one group, created empty when new. At most one open
  /// group_log_store per group at a time.
  raft::storage_result<std::unique_ptr<group_log_store>> open_group(const group_id& id);

  /// Writes every group's entries and hard state in one durable transaction:
  /// all of it happens or none (a failed precondition of any group, or a full
  /// map, leaves every group as it was). A group may appear more than once;
  /// its writes apply in order.
  raft::storage_result<bool> commit(std::span<const group_write> writes);

  const std::filesystem::path& dir() const noexcept { return dir_; }
  const store_options& options() const noexcept { return options_; }
  /// Reader slots of dead processes cleared at open (mdb_reader_check).
  int stale_readers_cleared() const noexcept { return env_.stale_readers_cleared(); }

private:
  friend class group_log_store;

  node_store(std::filesystem::path dir, lmdb::env env, const store_options& options);

  /// Runs `stage(txn)` in a write transaction and commits it unless `stage`
  /// returns an error. LMDB errors are caught and mapped.
  template <class Stage>
  raft::storage_result<bool> write(Stage&& stage);

  /// Runs `read(txn) -> storage_result<T>` in a short read transaction.
  template <class T, class Read>
  raft::storage_result<T> read(Read&& read) const;

  raft::storage_error fail(const lmdb::error& e) const;
  std::optional<raft::storage_error> check_usable() const;
  void closed(const group_id& id);

  std::filesystem::path dir_;
  lmdb::env env_;
  store_options options_;
  mutable std::atomic<bool> failed_{false};
  std::mutex groups_mutex_; // open_groups_, and serialises mdb_dbi_open
  std::set<group_id> open_groups_;
};

// -- implementation of the templates ----------------------------------------

template <class Stage>
raft::storage_result<bool> node_store::write(Stage&& stage) {
  if (auto err = check_usable())
    return unexpected{*err};
  try {
    auto t = lmdb::txn::begin_write(env_);
    if (std::optional<raft::storage_error> err = stage(t))
      return unexpected{std::move(*err)};
    t.commit();
    return true;
  } catch (const lmdb::error& e) {
    return unexpected{fail(e)};
  } catch (const std::exception& e) {
    return unexpected{raft::storage_error{raft::storage_errc::io, e.what()}};
  }
}

template <class T, class Read>
raft::storage_result<T> node_store::read(Read&& read) const {
  if (auto err = check_usable())
    return unexpected{*err};
  try {
    auto t = lmdb::txn::begin_read(env_);
    return read(t);
  } catch (const lmdb::error& e) {
    return unexpected{fail(e)};
  } catch (const std::exception& e) {
    return unexpected{raft::storage_error{raft::storage_errc::io, e.what()}};
  }
}

} // namespace mosaik::persistence
