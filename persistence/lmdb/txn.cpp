#include "persistence/lmdb/txn.hpp"

#include "persistence/lmdb/error.hpp"

#include <utility>

namespace mosaik::persistence::lmdb {

txn txn::begin_read(const env& e) {
  MDB_txn* raw = nullptr;
  check("mdb_txn_begin(read)", ::mdb_txn_begin(e.handle(), nullptr, MDB_RDONLY, &raw));
  return txn(raw, true);
}

txn txn::begin_write(const env& e) {
  MDB_txn* raw = nullptr;
  check("mdb_txn_begin(write)", ::mdb_txn_begin(e.handle(), nullptr, 0, &raw));
  return txn(raw, false);
}

txn::~txn() {
  abort();
}

void txn::commit() {
  if (open_cursors_ != 0)
    throw error("mdb_txn_commit with open cursors", EINVAL);
  // mdb_txn_commit frees the transaction even when it fails.
  auto rc = ::mdb_txn_commit(std::exchange(handle_, nullptr));
  check("mdb_txn_commit", rc);
}

void txn::abort() noexcept {
  if (handle_ != nullptr)
    ::mdb_txn_abort(std::exchange(handle_, nullptr));
}

} // namespace mosaik::persistence::lmdb
