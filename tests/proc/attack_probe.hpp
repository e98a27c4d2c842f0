#pragma once
// What the attack suite observes of a process from outside: its memory and
// open files in /proc, the counters of `mosaik status --json`, and a command
// run with its wall time and peak RSS.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace mosaik::test {

/// A field of /proc/PID/status in kB (VmRSS, VmHWM); 0 when unreadable.
std::uint64_t proc_kb(int pid, const std::string& field);

/// Entries of /proc/PID/fd.
std::size_t open_fds(int pid);

/// The value of `"key":N` in `json` (a counter of status --json, key with
/// its labels as printed, e.g. `mosaik.x{reason=\"y\"}`); 0 when absent.
std::uint64_t counter(const std::string& json, const std::string& key);

/// The key of a labelled counter as status --json prints it.
std::string labelled(const std::string& name, const std::string& label, const std::string& value);

struct measured_run {
  int exit_code = -1; // -1: killed (also at the deadline)
  std::string out;
  std::string err;
  std::chrono::milliseconds wall{0};
  std::uint64_t max_rss_kb = 0; // of the command itself (wait4's ru_maxrss)
};

/// Runs `argv` (no shell), killed with SIGKILL if it runs past `deadline`.
measured_run run_measured(const std::vector<std::string>& argv, std::chrono::milliseconds deadline);

} // namespace mosaik::test
