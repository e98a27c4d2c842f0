#pragma once
// Groups never read a clock: the group actor passes the current time in.
// Times are milliseconds on the caller's monotonic clock (simulated time in
// tests), durations are milliseconds.

#include <chrono>

namespace mosaik::groups {

using millis = std::chrono::milliseconds;

} // namespace mosaik::groups
