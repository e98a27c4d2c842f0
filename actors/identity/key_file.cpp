#include "actors/identity/key_file.hpp"

#include <sodium.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mosaik {

namespace {

unexpected<key_file_error> fail(key_file_errc code, const std::string& path,
                                const std::string& what) {
  return unexpected{key_file_error{code, "key file '" + path + "': " + what}};
}

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

} // namespace

expected<bool, key_file_error> save_key(const secret_key& key, const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail(key_file_errc::write_failed, path, std::strerror(errno));
  auto seed = key.seed();
  auto written = ::write(fd, seed.data(), seed.size());
  sodium_memzero(seed.data(), seed.size());
  bool ok = written == static_cast<ssize_t>(seed.size()) && ::fsync(fd) == 0;
  int saved_errno = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return fail(key_file_errc::write_failed, path, std::strerror(saved_errno));
  }
  return true;
}

expected<secret_key, key_file_error> load_key(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT)
      return fail(key_file_errc::missing, path, "no such file");
    return fail(key_file_errc::unreadable, path, std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode))
    return fail(key_file_errc::unreadable, path, "not a regular file");
  if ((st.st_mode & 077) != 0)
    return fail(key_file_errc::bad_permissions, path,
                "permissions " + octal_mode(st.st_mode)
                  + " let group or others access the secret key; expected 0600");
  if (st.st_size != static_cast<off_t>(secret_key::seed_size))
    return fail(key_file_errc::wrong_size, path,
                "holds " + std::to_string(st.st_size) + " bytes; expected "
                  + std::to_string(secret_key::seed_size));
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail(key_file_errc::unreadable, path, std::strerror(errno));
  secret_key::seed_type seed;
  auto got = ::read(fd, seed.data(), seed.size());
  int saved_errno = errno;
  ::close(fd);
  if (got != static_cast<ssize_t>(seed.size())) {
    sodium_memzero(seed.data(), seed.size());
    if (got < 0)
      return fail(key_file_errc::unreadable, path, std::strerror(saved_errno));
    return fail(key_file_errc::wrong_size, path, "short read");
  }
  auto key = secret_key::from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

} // namespace mosaik
