#include "tests/support/process.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace mosaik::test {

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace

command_result run_command(const std::string& command) {
  char tmpl[] = "/tmp/mosaik-cmd-XXXXXX";
  int fd = ::mkstemp(tmpl);
  if (fd < 0)
    return {};
  ::close(fd);
  std::string err_path = tmpl;
  command_result result;
  FILE* pipe = ::popen((command + " 2>" + err_path).c_str(), "r");
  if (pipe == nullptr)
    return result;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof(buf), pipe)) > 0;)
    result.out.append(buf, n);
  int status = ::pclose(pipe);
  if (WIFEXITED(status))
    result.exit_code = WEXITSTATUS(status);
  result.err = slurp(err_path);
  ::unlink(err_path.c_str());
  return result;
}

} // namespace mosaik::test
