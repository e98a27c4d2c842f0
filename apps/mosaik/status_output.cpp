#include "apps/mosaik/status_output.hpp"

#include "actors/core/link/peer_address.hpp"

#include <cstdio>
#include <iomanip>
#include <sstream>

namespace mosaik::cli {

namespace {

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

template <class Id>
std::string ids_json(const std::vector<Id>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i)
    out += (i ? "," : "") + quoted(ids[i].hex());
  return out + "]";
}

std::string catalog_json(const std::vector<wire::catalog_status>& catalog) {
  std::ostringstream out;
  out << '[';
  for (std::size_t i = 0; i < catalog.size(); ++i) {
    const auto& c = catalog[i];
    out << (i ? "," : "") << "{\"peer_id\":" << quoted(c.peer.hex()) << ",\"tags\":" << ids_json(c.tags)
        << ",\"version\":{\"start_ms\":" << c.version_start_ms << ",\"update_ms\":" << c.version_update_ms
        << "},\"age_ms\":" << c.age_ms << ",\"addresses\":[";
    for (std::size_t a = 0; a < c.addresses.size(); ++a)
      out << (a ? "," : "") << quoted(link::to_string(c.addresses[a]));
    out << "],\"signed\":" << (c.is_signed ? "true" : "false") << ",\"rtt_us\":" << c.rtt_us << '}';
  }
  out << ']';
  return out.str();
}

std::string groups_json(const std::vector<wire::group_status>& groups) {
  std::ostringstream out;
  out << '[';
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const auto& g = groups[i];
    out << (i ? "," : "") << "{\"group_id\":" << quoted(g.id.hex()) << ",\"role\":" << quoted(g.role)
        << ",\"leader\":" << (g.leader ? quoted(g.leader->hex()) : std::string{"null"})
        << ",\"term\":" << g.term << ",\"commit\":" << g.commit << ",\"applied\":" << g.applied
        << ",\"last_index\":" << g.last_index << ",\"online\":" << (g.online ? "true" : "false")
        << ",\"bonds\":" << ids_json(g.bonds) << '}';
  }
  out << ']';
  return out.str();
}

std::string streams_json(const std::vector<wire::stream_status>& streams) {
  std::ostringstream out;
  out << '[';
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const auto& s = streams[i];
    out << (i ? "," : "") << "{\"stream_id\":" << quoted(s.id.hex())
        << ",\"side\":" << quoted(s.producer ? "producer" : "consumer")
        << ",\"online\":" << (s.online ? "true" : "false") << ",\"channels\":[";
    for (std::size_t k = 0; k < s.channels.size(); ++k) {
      const auto& c = s.channels[k];
      out << (k ? "," : "") << "{\"peer_id\":" << quoted(c.peer.hex()) << ",\"state\":" << quoted(c.state)
          << ",\"datums\":" << c.datums << ",\"bytes\":" << c.bytes << '}';
    }
    out << "]}";
  }
  out << ']';
  return out.str();
}

void print_catalog(std::ostream& out, const std::vector<wire::catalog_status>& catalog) {
  out << "catalog  " << catalog.size() << "   (peer, address, tags, version update, age)\n";
  for (const auto& c : catalog) {
    std::string tags;
    for (const auto& t : c.tags)
      tags += (tags.empty() ? "" : ",") + t.short_hex();
    out << "  " << c.peer.short_hex() << "  " << std::left << std::setw(22)
        << (c.addresses.empty() ? std::string{"-"} : link::to_string(c.addresses.front()))
        << std::setw(20) << (tags.empty() ? std::string{"-"} : tags) << std::right << std::setw(15)
        << c.version_update_ms << std::setw(8) << c.age_ms << " ms"
        << (c.is_signed ? "" : "  (unsigned)") << '\n';
  }
}

void print_groups(std::ostream& out, const std::vector<wire::group_status>& groups) {
  out << "groups   " << groups.size()
      << "   (group, role, leader, term, commit, applied, online, bonds)\n";
  for (const auto& g : groups)
    out << "  " << g.id.short_hex() << "  " << std::left << std::setw(15) << g.role << std::setw(11)
        << (g.leader ? g.leader->short_hex() : std::string{"none"}) << std::right << std::setw(8)
        << g.term << std::setw(10) << g.commit << std::setw(10) << g.applied << "  " << std::left
        << std::setw(8) << (g.online ? "online" : "offline") << std::right << g.bonds.size()
        << (g.bonds.size() == 1 ? " bond" : " bonds") << '\n';
}

void print_streams(std::ostream& out, const std::vector<wire::stream_status>& streams) {
  out << "streams  " << streams.size() << "   (stream, side, online; each channel: peer, state, datums, bytes)\n";
  for (const auto& s : streams) {
    out << "  " << s.id.short_hex() << "  " << std::left << std::setw(10) << (s.producer ? "producer" : "consumer")
        << (s.online ? "online" : "offline") << std::right << "   " << s.channels.size()
        << (s.channels.size() == 1 ? " channel" : " channels") << '\n';
    for (const auto& c : s.channels)
      out << "    " << c.peer.short_hex() << "  " << std::left << std::setw(12) << c.state << std::right
          << std::setw(12) << c.datums << std::setw(14) << c.bytes << '\n';
  }
}

} // namespace

std::string status_json(const wire::node_status& s) {
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
  out << "],\"tags\":" << ids_json(s.tags) << ",\"catalog\":" << catalog_json(s.catalog)
      << ",\"groups\":" << groups_json(s.groups) << ",\"streams\":" << streams_json(s.streams)
      << ",\"counters\":{";
  for (std::size_t i = 0; i < s.counters.size(); ++i)
    out << (i ? "," : "") << quoted(s.counters[i].first) << ':' << s.counters[i].second;
  out << "}}";
  return out.str();
}

void print_status_table(std::ostream& out, const wire::node_status& s) {
  out << "peer     " << s.peer.hex() << "\nnetwork  " << s.network.hex() << "\nlisten   "
      << link::to_string(s.listen_address) << "\nuptime   " << std::fixed << std::setprecision(1)
      << static_cast<double>(s.uptime_ms) / 1000.0 << " s\npeers    " << s.peers.size()
      << "   (peer, address, state, smoothed RTT)\n";
  for (const auto& p : s.peers)
    out << "  " << p.peer.short_hex() << "  " << std::left << std::setw(22) << link::to_string(p.address)
        << std::setw(4) << p.state << std::right << std::setw(8)
        << (p.rtt_us ? std::to_string(p.rtt_us) + " us" : std::string{"-"}) << '\n';
  print_catalog(out, s.catalog);
  print_groups(out, s.groups);
  print_streams(out, s.streams);
  out << "metrics  " << s.counters.size() << "   (name{labels}, value)\n";
  for (const auto& [name, value] : s.counters)
    out << "  " << std::left << std::setw(60) << name << std::right << ' ' << value << '\n';
}

} // namespace mosaik::cli
