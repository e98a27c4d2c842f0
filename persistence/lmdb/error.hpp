#pragma once
// Typed LMDB errors, split the way hoytech/lmdbxx splits them: a bug in our
// use of the API, fatal damage to the environment, or a recoverable
// condition (a full map, too many readers) that leaves the store usable.

#include <stdexcept>
#include <string_view>

namespace mosaik::persistence::lmdb {

enum class error_kind {
  bug,         // we misused the API (bad txn, bad dbi, key order, EINVAL)
  fatal,       // the environment is damaged or failed; close it
  recoverable, // the operation failed, the environment is intact
};

class error : public std::runtime_error {
public:
  /// `origin` names the LMDB call; `code` is its return value.
  error(std::string_view origin, int code);

  int code() const noexcept { return code_; }
  error_kind kind() const noexcept { return kind_; }

  static error_kind classify(int code) noexcept;

private:
  int code_;
  error_kind kind_;
};

/// Throws lmdb::error unless `code` is MDB_SUCCESS.
inline void check(std::string_view origin, int code) {
  if (code != 0)
    throw error(origin, code);
}

} // namespace mosaik::persistence::lmdb
