#pragma once
// The benchmarks' child processes: this binary started again in another
// mode, its stdout a pipe the parent reads line by line.

#include <sys/types.h>

#include <cstdio>
#include <string>
#include <vector>

namespace mosaik::bench {

struct child_process {
  pid_t pid = 0;
  FILE* out = nullptr; // the child's stdout
};

/// Starts /proc/self/exe with `args` (argv[0] first); the child gets
/// SIGTERM when this process dies. pid 0 when no pipe could be made.
child_process spawn_self(const std::vector<std::string>& args);

/// The next line of `f` without its newline; empty at the end.
std::string read_line(FILE* f);

/// SIGTERM, then waits for it to end.
void stop_child(child_process& c);

} // namespace mosaik::bench
