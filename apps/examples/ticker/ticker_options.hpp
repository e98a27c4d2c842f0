#pragma once
// mosaik-ticker's command line: `produce` or `consume`.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mosaik::ticker {

struct options {
  bool produce = false;
  std::string network;
  std::string listen = "127.0.0.1:0";
  std::vector<std::string> bootstrap;
  /// Keeps the node's key, so a restarted node keeps its peer id; empty: a
  /// fresh key per run.
  std::string data_dir;
  /// Ticks per second (produce).
  double rate = 10;
  /// Ticks to publish (produce) or to print before exiting (consume); 0: no end.
  std::uint64_t count = 0;
  /// Filler bytes in each tick (produce).
  std::size_t pad = 0;
};

/// The options, or the exit code when there is nothing to run (--help: 0,
/// a usage error: 2, with its message on stderr).
struct parsed {
  std::optional<options> opts;
  int exit_code = 0;
};
parsed parse_options(int argc, char** argv);

} // namespace mosaik::ticker
