#pragma once
// mosaik-kv's command line.

#include <optional>
#include <string>
#include <vector>

namespace mosaik::kv {

struct options {
  std::string network;
  std::string listen = "127.0.0.1:0";
  std::vector<std::string> bootstrap;
  std::string data_dir;
  std::string http = "127.0.0.1:0";
  std::string metrics_addr; // empty: no metrics endpoint
  std::string group = "kv";
};

/// The options, or the exit code when there is nothing to run (--help: 0,
/// a usage error: 2, with its message on stderr).
struct parsed {
  std::optional<options> opts;
  int exit_code = 0;
};
parsed parse_options(int argc, char** argv);

/// The group's secret: every mosaik-kv node of network N with --group G
/// joins the group of the text `mosaik-kv/N/G`.
std::string group_secret(const options& o);

} // namespace mosaik::kv
