#pragma once
// Death tests for always-on assertions: runs a function in a forked child
// and reports what it printed to stderr if (and only if) it aborted.

#include <csignal>
#include <functional>
#include <optional>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

namespace mosaik::test {

/// The child's stderr when `f` aborts (SIGABRT); nullopt when it returns.
inline std::optional<std::string> abort_message(const std::function<void()>& f) {
  int fds[2];
  if (pipe(fds) != 0)
    return std::nullopt;
  auto pid = fork();
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDERR_FILENO);
    std::signal(SIGABRT, SIG_DFL); // not the test framework's crash report
    f();
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buf[512];
  for (ssize_t got; (got = read(fds[0], buf, sizeof buf)) > 0;)
    text.append(buf, static_cast<std::size_t>(got));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT)
    return text;
  return std::nullopt;
}

} // namespace mosaik::test
