#include "tests/proc/attack_probe.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
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
  // Polled: a child's exit cannot be waited on with a deadline otherwise.
  while (::wait4(pid, &status, WNOHANG, &usage) == 0) {
    if (clock_type::now() - start > deadline) {
      ::kill(pid, SIGKILL);
      ::wait4(pid, &status, 0, &usage);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  r.wall = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.max_rss_kb = static_cast<std::uint64_t>(usage.ru_maxrss);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

} // namespace mosaik::test
