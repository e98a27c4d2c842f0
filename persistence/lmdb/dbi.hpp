#pragma once
// A database handle within an environment. Handles stay valid until the
// environment closes; opening one that a write transaction creates becomes
// visible to other transactions only once that transaction commits.

#include "actors/core/bytes.hpp"
#include "persistence/lmdb/txn.hpp"

#include <lmdb.h>

#include <optional>

namespace mosaik::persistence::lmdb {

class dbi {
public:
  /// Opens the named database, creating it when `create` (write txn only).
  /// Throws lmdb::error (MDB_NOTFOUND when absent and not created).
  static dbi open(txn& t, const char* name, bool create);

  /// The value at `key`, pointing into the map: valid only while `t` is
  /// live and unmodified. nullopt when absent.
  std::optional<byte_view> get(const txn& t, byte_view key) const;
  void put(txn& t, byte_view key, byte_view value, unsigned flags = 0) const;
  /// False when the key was absent.
  bool del(txn& t, byte_view key) const;
  /// Removes every key (the database itself remains).
  void clear(txn& t) const;
  /// Number of keys.
  std::size_t size(const txn& t) const;

  MDB_dbi handle() const noexcept { return handle_; }

private:
  explicit dbi(MDB_dbi handle) noexcept : handle_(handle) {}

  MDB_dbi handle_;
};

/// LMDB value descriptors over our byte views (LMDB never writes through
/// mv_data of a key or of a value passed to put without MDB_RESERVE).
inline MDB_val to_val(byte_view v) {
  return MDB_val{v.size(), const_cast<std::uint8_t*>(v.data())};
}
inline byte_view from_val(const MDB_val& v) {
  return {static_cast<const std::uint8_t*>(v.mv_data), v.mv_size};
}

} // namespace mosaik::persistence::lmdb
