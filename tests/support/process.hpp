#pragma once
// Runs a shell command for process-level tests and captures its output.

#include <string>

namespace mosaik::test {

struct command_result {
  int exit_code = -1; // -1 when the command did not exit normally
  std::string out;
  std::string err;
};

/// Runs `command` through /bin/sh, capturing stdout and stderr.
command_result run_command(const std::string& command);

} // namespace mosaik::test
