#pragma once
// Streams never read a clock: the actors pass the current time in.
// Times are milliseconds on the caller's monotonic clock (simulated time in
// tests), durations are milliseconds.

#include <chrono>

namespace mosaik::streams {

using millis = std::chrono::milliseconds;

} // namespace mosaik::streams
