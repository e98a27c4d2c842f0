#pragma once
// A background process for proc tests: its stdout is readable line by line
// with a deadline, it can be signalled and waited for with a deadline. The
// destructor kills (SIGKILL) and reaps it if it is still running.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mosaik::test {

class child_process {
public:
  /// Starts `argv[0]` with `argv`; stderr goes to `stderr_path` (or is dropped).
  explicit child_process(const std::vector<std::string>& argv, const std::string& stderr_path = {});
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  int pid() const { return pid_; }

  /// The next line of stdout (without '\n'), or nullopt at EOF or deadline.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

  bool signal(int sig);

  /// The exit code once the process exited (-1 if killed by a signal), or
  /// nullopt if it is still running at the deadline.
  std::optional<int> wait(std::chrono::milliseconds timeout);

private:
  int pid_ = -1;
  int out_fd_ = -1;
  bool reaped_ = false;
  std::string buffer_;
};

/// Polls `pred` every 50 ms until it holds or `timeout` passed. Polling is
/// the only way here: the conditions are other processes' answers (e.g. what
/// `mosaik status` reports), which nothing can wait on directly.
bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

} // namespace mosaik::test
