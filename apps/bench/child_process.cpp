#include "apps/bench/child_process.hpp"

#include <csignal>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mosaik::bench {

child_process spawn_self(const std::vector<std::string>& args) {
  int out[2];
  if (::pipe(out) != 0)
    return {};
  child_process c;
  c.pid = ::fork();
  if (c.pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM); // a parent that dies takes its children along
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    for (auto& a : copy)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv("/proc/self/exe", argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  c.out = ::fdopen(out[0], "r");
  return c;
}

std::string read_line(FILE* f) {
  std::string line;
  for (int ch; (ch = std::fgetc(f)) != EOF && ch != '\n';)
    line += static_cast<char>(ch);
  return line;
}

void stop_child(child_process& c) {
  if (c.pid <= 0)
    return;
  ::kill(c.pid, SIGTERM);
  ::waitpid(c.pid, nullptr, 0);
  c.pid = 0;
}

} // namespace mosaik::bench
