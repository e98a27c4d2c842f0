#pragma once
// Saving and loading a node's secret key. Kept out of actors/core because it
// does file I/O. The file holds the raw 32-byte Ed25519 seed, mode 0600.

#include "actors/core/expected.hpp"
#include "actors/core/ids/keys.hpp"

#include <string>

namespace mosaik {

enum class key_file_errc {
  missing,          // no file at the path
  unreadable,       // exists but cannot be opened or read
  wrong_size,       // not exactly 32 bytes
  bad_permissions,  // readable or writable by group or others
  write_failed,     // could not create or write the file
};

struct key_file_error {
  key_file_errc code;
  std::string message; // names the file and the problem
};

/// Writes `key`'s seed to `path`, created with mode 0600. Refuses to replace
/// an existing file.
expected<bool, key_file_error> save_key(const secret_key& key, const std::string& path);

/// Loads the key at `path`, checking it exists, has mode 0600 (no group or
/// other bits) and holds exactly 32 bytes.
expected<secret_key, key_file_error> load_key(const std::string& path);

} // namespace mosaik
