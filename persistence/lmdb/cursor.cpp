#include "persistence/lmdb/cursor.hpp"

#include "persistence/lmdb/error.hpp"

namespace mosaik::persistence::lmdb {

cursor cursor::open(txn& t, const dbi& db) {
  MDB_cursor* raw = nullptr;
  check("mdb_cursor_open", ::mdb_cursor_open(t.handle(), db.handle(), &raw));
  ++t.open_cursors_;
  return cursor(raw, t);
}

cursor::~cursor() {
  close();
}

void cursor::close() noexcept {
  if (handle_ == nullptr)
    return;
  ::mdb_cursor_close(std::exchange(handle_, nullptr));
  --owner_->open_cursors_;
}

std::optional<cursor::item> cursor::get(MDB_val* key, MDB_cursor_op op) {
  MDB_val k = key != nullptr ? *key : MDB_val{};
  MDB_val v{};
  auto rc = ::mdb_cursor_get(handle_, &k, &v, op);
  if (rc == MDB_NOTFOUND)
    return std::nullopt;
  check("mdb_cursor_get", rc);
  return item{from_val(k), from_val(v)};
}

std::optional<cursor::item> cursor::seek(byte_view key) {
  auto k = to_val(key);
  return get(&k, MDB_SET_RANGE);
}

std::optional<cursor::item> cursor::first() {
  return get(nullptr, MDB_FIRST);
}

std::optional<cursor::item> cursor::last() {
  return get(nullptr, MDB_LAST);
}

std::optional<cursor::item> cursor::next() {
  return get(nullptr, MDB_NEXT);
}

void cursor::del() {
  check("mdb_cursor_del", ::mdb_cursor_del(handle_, 0));
}

} // namespace mosaik::persistence::lmdb
