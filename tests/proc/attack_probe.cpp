#include "tests/proc/attack_probe.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <poll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mosaik::test {

std::uint64_t proc_kb(int pid, const std::string& field) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0)
      return std::strtoull(line.c_str() + field.size() + 1, nullptr, 10);
  return 0;
}

std::size_t open_fds(int pid) {
  std::error_code ec;
  std::size_t n = 0;
  for (auto i = std::filesystem::directory_iterator{"/proc/" + std::to_string(pid) + "/fd", ec};
       !ec && i != std::filesystem::directory_iterator{}; i.increment(ec))
    ++n;
  return n;
}

std::uint64_t counter(const std::string& json, const std::string& key) {
  auto needle = "\"" + key + "\":";
  auto at = json.find(needle);
  return at == std::string::npos ? 0 : std::strtoull(json.c_str() + at + needle.size(), nullptr, 10);
}

std::string labelled(const std::string& name, const std::string& label, const std::string& value) {
  return name + "{" + label + "=\\\"" + value + "\\\"}";
}

namespace {

std::string slurp(std::FILE* f) {
  std::string out;
  std::rewind(f);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;)
    out.append(buf, n);
  std::fclose(f);
  return out;
}

} // namespace

measured_run run_measured(const std::vector<std::string>& argv, std::chrono::milliseconds deadline) {
  using clock_type = std::chrono::steady_clock;
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  std::vector<char*> args; // built before fork: other threads may hold malloc's lock
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int out_fd = ::fileno(out);
  int err_fd = ::fileno(err);
  auto start = clock_type::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  measured_run r;
  int status = 0;
  rusage usage{};
  // A pidfd becomes readable when the child exits: poll() waits for that
  // or the deadline, with no sleeping loop (as child_process::wait does).
  // The raw syscall: glibc 2.36's <sys/pidfd.h> lacks extern "C" for C++.
  // Without a pidfd there is no bounded wait: the run ends at once.
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  pollfd pfd{pidfd, POLLIN, 0};
  if (pidfd < 0 || ::poll(&pfd, 1, static_cast<int>(deadline.count())) <= 0)
    ::kill(pid, SIGKILL);
  if (pidfd >= 0)
    ::close(pidfd);
  ::wait4(pid, &status, 0, &usage);
  r.wall = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.max_rss_kb = static_cast<std::uint64_t>(usage.ru_maxrss);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

} // namespace mosaik::test
