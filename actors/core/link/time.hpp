#pragma once
// The time types of the link core. The core never reads a clock: callers
// pass "now" in (the CAF actor clock, simulated under test).

#include <chrono>

namespace mosaik::link {

using duration = std::chrono::nanoseconds;
using time_point = std::chrono::steady_clock::time_point;

} // namespace mosaik::link
