#pragma once
// What the benchmarks read about a process's CPU use.

#include <sys/types.h>

namespace mosaik::bench {

/// CPU seconds (user and system) that process `pid` has used, from
/// /proc/PID/stat; 0 if it cannot be read.
double cpu_seconds_of(pid_t pid);

} // namespace mosaik::bench
