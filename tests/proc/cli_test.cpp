// The `mosaik` binary run as a user would: output and exit codes.
#include "actors/core/ids/ids.hpp"
#include "actors/core/ids/keys.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

using namespace mosaik;
using mosaik::test::run_command;
namespace fs = std::filesystem;

TEST_CASE("cli: id prints the 64-hex id of a name") {
  auto r = run_command(std::string(MOSAIK_BIN) + " id orders");
  CHECK(r.exit_code == 0);
  CHECK(r.out == unique_id::from("orders").hex() + "\n");
  auto hex = std::string(64, 'c');
  CHECK(run_command(std::string(MOSAIK_BIN) + " id " + hex).out == hex + "\n");
}

TEST_CASE("cli: keygen writes a 0600 key file and prints its peer id") {
  test::temp_dir dir{"cli"};
  auto key = (dir.path() / "node.key").string();
  auto r = run_command(std::string(MOSAIK_BIN) + " keygen --out " + key);
  CHECK(r.exit_code == 0);
  REQUIRE(r.out.size() == 65);
  CHECK(peer_id::from_hex(r.out.substr(0, 64)).has_value());
  struct stat st;
  REQUIRE(::stat(key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto again = run_command(std::string(MOSAIK_BIN) + " keygen --out " + key);
  CHECK(again.exit_code == 1);
  CHECK(again.err.find(key) != std::string::npos);
}

TEST_CASE("cli: help, version and usage errors") {
  auto help = run_command(std::string(MOSAIK_BIN) + " --help");
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("keygen") != std::string::npos);
  auto version = run_command(std::string(MOSAIK_BIN) + " --version");
  CHECK(version.exit_code == 0);
  CHECK(version.out == "mosaik " MOSAIK_VERSION "\n");
  CHECK(run_command(std::string(MOSAIK_BIN) + " --bogus").exit_code == 2);
  CHECK(run_command(std::string(MOSAIK_BIN) + " frobnicate").exit_code == 2);
  CHECK(run_command(std::string(MOSAIK_BIN)).exit_code == 2);
  auto missing = run_command(std::string(MOSAIK_BIN) + " keygen");
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("--out") != std::string::npos);
}
