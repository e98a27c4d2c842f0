#pragma once
// An open LMDB environment (RAII). Opened with MDB_NOTLS, because CAF actors
// move between threads and a read transaction must not be tied to one, and
// in LMDB's default, fully synchronous mode: no NOSYNC, NOMETASYNC or
// MAPASYNC, so a committed transaction survives an OS crash.

#include <lmdb.h>

#include <cstddef>
#include <filesystem>

namespace mosaik::persistence::lmdb {

struct env_options {
  /// Upper bound of the data file; a write past it fails with MDB_MAP_FULL.
  std::size_t map_size = std::size_t{1} << 30;
  /// Named databases the environment can hold.
  unsigned max_dbs = 64;
  /// Concurrent read transactions.
  unsigned max_readers = 126;
};

class env {
public:
  /// Opens (creating if needed) the environment in directory `dir`, then
  /// clears reader slots left by dead processes. Throws lmdb::error.
  static env open(const std::filesystem::path& dir, const env_options& options);

  env(env&& other) noexcept;
  env& operator=(env&& other) noexcept;
  env(const env&) = delete;
  env& operator=(const env&) = delete;
  ~env();

  MDB_env* handle() const noexcept { return handle_; }
  /// Reader slots of dead processes that mdb_reader_check cleared at open.
  int stale_readers_cleared() const noexcept { return stale_readers_; }
  std::size_t map_size() const;

private:
  explicit env(MDB_env* handle) noexcept : handle_(handle) {}

  MDB_env* handle_ = nullptr;
  int stale_readers_ = 0;
};

} // namespace mosaik::persistence::lmdb
