#include "persistence/lmdb/env.hpp"

#include "persistence/lmdb/error.hpp"

#include <utility>

namespace mosaik::persistence::lmdb {

env env::open(const std::filesystem::path& dir, const env_options& options) {
  MDB_env* raw = nullptr;
  check("mdb_env_create", ::mdb_env_create(&raw));
  env result(raw); // closes the handle if anything below throws
  check("mdb_env_set_mapsize", ::mdb_env_set_mapsize(raw, options.map_size));
  check("mdb_env_set_maxdbs", ::mdb_env_set_maxdbs(raw, options.max_dbs));
  check("mdb_env_set_maxreaders", ::mdb_env_set_maxreaders(raw, options.max_readers));
  check("mdb_env_open", ::mdb_env_open(raw, dir.c_str(), MDB_NOTLS, 0600));
  check("mdb_reader_check", ::mdb_reader_check(raw, &result.stale_readers_));
  return result;
}

env::env(env&& other) noexcept
  : handle_(std::exchange(other.handle_, nullptr)), stale_readers_(other.stale_readers_) {
}

env& env::operator=(env&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr)
      ::mdb_env_close(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
    stale_readers_ = other.stale_readers_;
  }
  return *this;
}

env::~env() {
  if (handle_ != nullptr)
    ::mdb_env_close(handle_);
}

std::size_t env::map_size() const {
  MDB_envinfo info;
  check("mdb_env_info", ::mdb_env_info(handle_, &info));
  return info.me_mapsize;
}

} // namespace mosaik::persistence::lmdb
