#pragma once
// Discovery never reads a clock: callers pass the current time in. Absolute
// times are milliseconds since the Unix epoch, durations are milliseconds.

#include <chrono>

namespace mosaik::discovery {

using millis = std::chrono::milliseconds;

} // namespace mosaik::discovery
