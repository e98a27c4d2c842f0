#pragma once
// A transaction (RAII): aborted on destruction unless committed. Keep read
// transactions short: an open reader pins pages and the file grows.

#include "persistence/lmdb/env.hpp"

#include <lmdb.h>

namespace mosaik::persistence::lmdb {

class txn {
public:
  static txn begin_read(const env& e);
  static txn begin_write(const env& e);

  // Not movable: cursors keep a pointer to their transaction. The begin
  // functions return a prvalue, so `auto t = txn::begin_write(e);` works.
  txn(txn&&) = delete;
  txn& operator=(txn&&) = delete;
  txn(const txn&) = delete;
  txn& operator=(const txn&) = delete;
  ~txn();

  /// Commits (durably, in the default sync mode). Every cursor of this
  /// transaction must be closed first: LMDB frees a write transaction's
  /// cursors at commit, so a later close would be a double free.
  void commit();
  void abort() noexcept;

  MDB_txn* handle() const noexcept { return handle_; }
  bool read_only() const noexcept { return read_only_; }

private:
  friend class cursor;

  txn(MDB_txn* handle, bool read_only) noexcept : handle_(handle), read_only_(read_only) {}

  MDB_txn* handle_ = nullptr;
  bool read_only_ = false;
  int open_cursors_ = 0;
};

} // namespace mosaik::persistence::lmdb
