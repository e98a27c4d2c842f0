#include "persistence/lmdb/dbi.hpp"

#include "persistence/lmdb/error.hpp"

namespace mosaik::persistence::lmdb {

dbi dbi::open(txn& t, const char* name, bool create) {
  MDB_dbi handle = 0;
  check("mdb_dbi_open", ::mdb_dbi_open(t.handle(), name, create ? MDB_CREATE : 0, &handle));
  return dbi(handle);
}

std::optional<byte_view> dbi::get(const txn& t, byte_view key) const {
  auto k = to_val(key);
  MDB_val v{};
  auto rc = ::mdb_get(t.handle(), handle_, &k, &v);
  if (rc == MDB_NOTFOUND)
    return std::nullopt;
  check("mdb_get", rc);
  return from_val(v);
}

void dbi::put(txn& t, byte_view key, byte_view value, unsigned flags) const {
  auto k = to_val(key);
  auto v = to_val(value);
  check("mdb_put", ::mdb_put(t.handle(), handle_, &k, &v, flags));
}

bool dbi::del(txn& t, byte_view key) const {
  auto k = to_val(key);
  auto rc = ::mdb_del(t.handle(), handle_, &k, nullptr);
  if (rc == MDB_NOTFOUND)
    return false;
  check("mdb_del", rc);
  return true;
}

void dbi::clear(txn& t) const {
  check("mdb_drop", ::mdb_drop(t.handle(), handle_, 0));
}

std::size_t dbi::size(const txn& t) const {
  MDB_stat st;
  check("mdb_stat", ::mdb_stat(t.handle(), handle_, &st));
  return st.ms_entries;
}

} // namespace mosaik::persistence::lmdb
