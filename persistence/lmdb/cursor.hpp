#pragma once
// A cursor (RAII), closed on destruction. It must be closed before its
// write transaction commits (txn::commit checks).

#include "actors/core/bytes.hpp"
#include "persistence/lmdb/dbi.hpp"
#include "persistence/lmdb/txn.hpp"

#include <lmdb.h>

#include <optional>
#include <utility>

namespace mosaik::persistence::lmdb {

class cursor {
public:
  using item = std::pair<byte_view, byte_view>; // key, value (into the map)

  static cursor open(txn& t, const dbi& db);

  cursor(cursor&&) = delete;
  cursor& operator=(cursor&&) = delete;
  cursor(const cursor&) = delete;
  cursor& operator=(const cursor&) = delete;
  ~cursor();

  /// The first item with a key >= `key`.
  std::optional<item> seek(byte_view key);
  std::optional<item> first();
  std::optional<item> last();
  std::optional<item> next();
  /// Deletes the current item; next() then yields the item after it.
  void del();
  void close() noexcept;

private:
  cursor(MDB_cursor* handle, txn& owner) noexcept : handle_(handle), owner_(&owner) {}
  std::optional<item> get(MDB_val* key, MDB_cursor_op op);

  MDB_cursor* handle_ = nullptr;
  txn* owner_ = nullptr;
};

} // namespace mosaik::persistence::lmdb
