// `mosaik status ADDR --network NAME [--json]`: asks a node for its status
// over a client-role handshake.
#include "apps/mosaik/commands.hpp"

#include "actors/core/link/peer_address.hpp"
#include "actors/node/status_client.hpp"
#include "actors/transport/system_config.hpp"

#include <caf/actor_system.hpp>

#include <cstdio>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

namespace mosaik::cli {

namespace {

struct status_options {
  std::string address;
  std::string network;
  bool json = false;
};

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(ch));
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string tags_json(const std::vector<tag>& tags) {
  std::string out = "[";
  for (std::size_t i = 0; i < tags.size(); ++i)
    out += (i ? "," : "") + quoted(tags[i].hex());
  return out + "]";
}

std::string catalog_json(const std::vector<wire::catalog_status>& catalog) {
  std::ostringstream out;
  out << '[';
  for (std::size_t i = 0; i < catalog.size(); ++i) {
    const auto& c = catalog[i];
    out << (i ? "," : "") << "{\"peer_id\":" << quoted(c.peer.hex()) << ",\"tags\":" << tags_json(c.tags)
        << ",\"version\":{\"start_ms\":" << c.version_start_ms << ",\"update_ms\":" << c.version_update_ms
        << "},\"age_ms\":" << c.age_ms << ",\"addresses\":[";
    for (std::size_t a = 0; a < c.addresses.size(); ++a)
      out << (a ? "," : "") << quoted(link::to_string(c.addresses[a]));
    out << "],\"signed\":" << (c.is_signed ? "true" : "false") << ",\"rtt_us\":" << c.rtt_us << '}';
  }
  out << ']';
  return out.str();
}

std::string to_json(const wire::node_status& s) {
  std::ostringstream out;
  out << "{\"peer_id\":" << quoted(s.peer.hex()) << ",\"network_id\":" << quoted(s.network.hex())
      << ",\"listen\":" << quoted(link::to_string(s.listen_address)) << ",\"uptime_ms\":" << s.uptime_ms
      << ",\"peers\":[";
  for (std::size_t i = 0; i < s.peers.size(); ++i) {
    const auto& p = s.peers[i];
    out << (i ? "," : "") << "{\"peer_id\":" << quoted(p.peer.hex())
        << ",\"address\":" << quoted(link::to_string(p.address)) << ",\"state\":" << quoted(p.state)
        << ",\"rtt_us\":" << p.rtt_us << '}';
  }
  out << "],\"tags\":" << tags_json(s.tags) << ",\"catalog\":" << catalog_json(s.catalog)
      << ",\"counters\":{";
  for (std::size_t i = 0; i < s.counters.size(); ++i)
    out << (i ? "," : "") << quoted(s.counters[i].first) << ':' << s.counters[i].second;
  out << "}}";
  return out.str();
}

void print_table(const wire::node_status& s) {
  std::cout << "peer     " << s.peer.hex() << "\nnetwork  " << s.network.hex() << "\nlisten   "
            << link::to_string(s.listen_address) << "\nuptime   " << std::fixed << std::setprecision(1)
            << static_cast<double>(s.uptime_ms) / 1000.0 << " s\npeers    " << s.peers.size() << "   (peer, address, state, smoothed RTT)\n";
  for (const auto& p : s.peers)
    std::cout << "  " << p.peer.short_hex() << "  " << std::left << std::setw(22)
              << link::to_string(p.address) << std::setw(4) << p.state << std::right << std::setw(8)
              << (p.rtt_us ? std::to_string(p.rtt_us) + " us" : std::string{"-"}) << '\n';
  std::cout << "catalog  " << s.catalog.size() << "   (peer, address, tags, version update, age)\n";
  for (const auto& c : s.catalog) {
    std::string tags;
    for (const auto& t : c.tags)
      tags += (tags.empty() ? "" : ",") + t.short_hex();
    std::cout << "  " << c.peer.short_hex() << "  " << std::left << std::setw(22)
              << (c.addresses.empty() ? std::string{"-"} : link::to_string(c.addresses.front()))
              << std::setw(20) << (tags.empty() ? std::string{"-"} : tags) << std::right << std::setw(15)
              << c.version_update_ms << std::setw(8) << c.age_ms << " ms"
              << (c.is_signed ? "" : "  (unsigned)") << '\n';
  }
  std::cout << "metrics  " << s.counters.size() << "   (name{labels}, value)\n";
  for (const auto& [name, value] : s.counters)
    std::cout << "  " << std::left << std::setw(60) << name << std::right << ' ' << value << '\n';
}

int run_status(const status_options& o) {
  auto addr = link::parse_endpoint(o.address);
  if (!addr) {
    std::cerr << "mosaik status: " << addr.error() << '\n';
    return 2;
  }
  transport::system_config cfg;
  caf::actor_system sys{cfg};
  auto s = node::query_status(sys, {*addr, o.network});
  if (!s) {
    std::cerr << "mosaik status: " << s.error() << '\n';
    return 1;
  }
  if (o.json)
    std::cout << to_json(*s) << '\n';
  else
    print_table(*s);
  return 0;
}

} // namespace

void add_status_command(CLI::App& app, command_fn& selected) {
  auto o = std::make_shared<status_options>();
  auto* cmd = app.add_subcommand("status", "Print a node's peer id, network, uptime, links and metrics");
  cmd->add_option("ADDR", o->address, "host:port the node listens on")->required();
  cmd->add_option("--network", o->network, "The network the node belongs to")->required();
  cmd->add_flag("--json", o->json, "One JSON object instead of a table");
  cmd->callback([&selected, o] { selected = [o] { return run_status(*o); }; });
}

} // namespace mosaik::cli
