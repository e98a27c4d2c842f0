#include "actors/identity/key_file.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>

using namespace mosaik;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& p, size_t size, mode_t mode) {
  std::ofstream(p, std::ios::binary) << std::string(size, 'k');
  REQUIRE(::chmod(p.c_str(), mode) == 0);
}

} // namespace

TEST_CASE("key file: save then load gives the same key, with mode 0600") {
  test::temp_dir dir{"key"};
  auto path = (dir.path() / "node.key").string();
  auto key = secret_key::generate();
  REQUIRE(save_key(key, path));
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto loaded = load_key(path);
  REQUIRE(loaded);
  CHECK(loaded->public_id() == key.public_id());
}

TEST_CASE("key file: an existing file is never replaced") {
  test::temp_dir dir{"key"};
  auto path = (dir.path() / "node.key").string();
  REQUIRE(save_key(secret_key::generate(), path));
  auto again = save_key(secret_key::generate(), path);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == key_file_errc::write_failed);
  CHECK(again.error().message.find(path) != std::string::npos);
}

TEST_CASE("key file: bad files are rejected with a message naming the problem") {
  test::temp_dir dir{"key"};
  SUBCASE("missing") {
    auto r = load_key((dir.path() / "absent.key").string());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == key_file_errc::missing);
    CHECK(r.error().message.find("no such file") != std::string::npos);
  }
  SUBCASE("wrong size") {
    auto p = dir.path() / "short.key";
    write_file(p, 31, 0600);
    auto r = load_key(p.string());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == key_file_errc::wrong_size);
    CHECK(r.error().message.find("31 bytes") != std::string::npos);
  }
  SUBCASE("too open") {
    auto p = dir.path() / "open.key";
    write_file(p, 32, 0644);
    auto r = load_key(p.string());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == key_file_errc::bad_permissions);
    CHECK(r.error().message.find("0644") != std::string::npos);
  }
  SUBCASE("a directory") {
    auto r = load_key(dir.path().string());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == key_file_errc::unreadable);
  }
}
