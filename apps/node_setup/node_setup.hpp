#pragma once
// What every program that runs a node from the command line does the same
// way (`mosaik node`, `mosaik-kv`): its key from a file or its data dir,
// its addresses from text, SIGINT/SIGTERM taken by sigwait, and its first
// stdout line `mosaik node PEERID@HOST:PORT`.

#include "actors/core/expected.hpp"
#include "actors/core/ids/keys.hpp"
#include "actors/core/link/peer_address.hpp"
#include "actors/network/network.hpp"
#include "actors/node/node_config.hpp"

#include <csignal>
#include <optional>
#include <string>
#include <vector>

namespace mosaik::app {

/// `key_file` is loaded, or created when missing; without it the key lives
/// in `data_dir`/node.key, or is fresh for this run (both empty).
expected<secret_key, std::string> node_key(const std::string& key_file, const std::string& data_dir);

/// Creates `dir` and its parents when missing; the error is one line.
std::optional<std::string> make_data_dir(const std::string& dir);

/// cfg.listen and cfg.bootstrap from `host:port` and `[PEERID@]host:port`.
std::optional<std::string> set_addresses(node::node_config& cfg, const std::string& listen,
                                         const std::vector<std::string>& bootstrap);

/// Blocks SIGINT and SIGTERM in the calling thread, so every thread started
/// after it (CAF's, civetweb's) inherits the mask; wait() takes one.
class stop_signals {
public:
  stop_signals();
  /// Blocks until SIGINT or SIGTERM arrives; the signal's number.
  int wait() const;

private:
  sigset_t set_;
};

/// Dials the bootstrap addresses a program held back until its group or
/// stream was open (so the first entry its peers see lists it).
void dial_bootstrap(const network& net, const std::vector<link::peer_address>& bootstrap);

/// `mosaik node PEERID@HOST:PORT`.
std::string first_line(const network& net);

} // namespace mosaik::app
