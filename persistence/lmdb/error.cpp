#include "persistence/lmdb/error.hpp"

#include <lmdb.h>

#include <cerrno>
#include <string>

namespace mosaik::persistence::lmdb {

error::error(std::string_view origin, int code)
  : std::runtime_error(std::string(origin) + ": " + ::mdb_strerror(code)),
    code_(code),
    kind_(classify(code)) {
}

error_kind error::classify(int code) noexcept {
  switch (code) {
    case MDB_PAGE_NOTFOUND:
    case MDB_CORRUPTED:
    case MDB_PANIC:
    case MDB_VERSION_MISMATCH:
    case MDB_INVALID:
    case MDB_CURSOR_FULL: // the B-tree is deeper than LMDB allows: damage
    case EIO:
      return error_kind::fatal;
    case MDB_KEYEXIST:
    case MDB_NOTFOUND:
    case MDB_INCOMPATIBLE:
    case MDB_BAD_RSLOT:
    case MDB_BAD_TXN:
    case MDB_BAD_VALSIZE:
    case MDB_BAD_DBI:
    case EINVAL:
      return error_kind::bug;
    default: // MAP_FULL, DBS_FULL, READERS_FULL, TXN_FULL, ENOSPC, EACCES, ...
      return error_kind::recoverable;
  }
}

} // namespace mosaik::persistence::lmdb
