// Runs every scripted scenario in tests/unit/raft/testdata/*.txt and
// compares each command's output with the expected output in the file.
// MOSAIK_REWRITE=1 writes the actual output back instead (review the diff).

#include "tests/unit/raft/interaction_env.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace mosaik::raft::testing;

namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

TEST_CASE("interaction scripts: every testdata file replays its expected output") {
  std::vector<std::filesystem::path> files;
  for (const auto& f : std::filesystem::directory_iterator(MOSAIK_RAFT_TESTDATA))
    if (f.path().extension() == ".txt")
      files.push_back(f.path());
  std::sort(files.begin(), files.end());
  REQUIRE_FALSE(files.empty());
  bool rewrite = std::getenv("MOSAIK_REWRITE") != nullptr;
  for (const auto& file : files) {
    CAPTURE(file.filename().string());
    auto s = parse_script(read_file(file));
    interaction_env env;
    for (auto& b : s.blocks) {
      b.actual = env.run(b.command) + "\n";
      if (!rewrite) {
        CHECK_MESSAGE(b.actual == b.expected, "command: " << b.command);
      }
    }
    if (rewrite)
      std::ofstream(file) << render_script(s);
  }
}
