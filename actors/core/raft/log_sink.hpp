#pragma once
// Where the Raft core's log lines go. The core never picks a logger itself:
// the group actor adapts this to spdlog, tests and the simulator collect or
// drop the lines. A null sink means silence.

#include <string_view>

namespace mosaik::raft {

enum class log_level { debug, info, warn, error };

class log_sink {
public:
  virtual ~log_sink() = default;
  /// Formatting is skipped when this returns false.
  virtual bool enabled(log_level level) const = 0;
  virtual void write(log_level level, std::string_view line) = 0;
};

} // namespace mosaik::raft
