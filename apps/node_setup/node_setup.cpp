#include "apps/node_setup/node_setup.hpp"

#include "actors/core/link/peer_address.hpp"
#include "actors/identity/key_file.hpp"
#include "actors/node/node_api.hpp"

#include <caf/send.hpp>

#include <filesystem>
#include <pthread.h>

namespace mosaik::app {

expected<secret_key, std::string> node_key(const std::string& key_file, const std::string& data_dir) {
  auto path = key_file;
  if (path.empty() && !data_dir.empty())
    path = (std::filesystem::path{data_dir} / "node.key").string();
  if (path.empty())
    return secret_key::generate();
  if (auto loaded = load_key(path))
    return std::move(*loaded);
  else if (loaded.error().code != key_file_errc::missing)
    return unexpected{loaded.error().message};
  auto key = secret_key::generate();
  if (auto saved = save_key(key, path); !saved)
    return unexpected{saved.error().message};
  return key;
}

std::optional<std::string> make_data_dir(const std::string& dir) {
  if (dir.empty())
    return std::nullopt;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return "cannot create " + dir + ": " + ec.message();
  return std::nullopt;
}

std::optional<std::string> set_addresses(node::node_config& cfg, const std::string& listen,
                                         const std::vector<std::string>& bootstrap) {
  auto at = link::parse_endpoint(listen, true);
  if (!at)
    return at.error();
  cfg.listen = *at;
  for (const auto& b : bootstrap) {
    auto a = link::parse_peer_address(b);
    if (!a)
      return a.error();
    cfg.bootstrap.push_back(*a);
  }
  return std::nullopt;
}

stop_signals::stop_signals() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set_, nullptr);
}

int stop_signals::wait() const {
  int sig = 0;
  sigwait(&set_, &sig);
  return sig;
}

void dial_bootstrap(const network& net, const std::vector<link::peer_address>& bootstrap) {
  for (const auto& b : bootstrap)
    caf::anon_send(net.node(), node::dial{b, true});
}

std::string first_line(const network& net) {
  return "mosaik node " + net.peer().hex() + '@' + link::to_string(net.listen());
}

} // namespace mosaik::app
