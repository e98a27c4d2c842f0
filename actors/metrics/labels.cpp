#include "actors/metrics/labels.hpp"

namespace mosaik::metrics {

namespace {

// Escaped as in the Prometheus text format.
void append_escaped(std::string& out, const std::string& value) {
  for (char ch : value) {
    switch (ch) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += ch;
    }
  }
}

} // namespace

labels network_labels(const network_id& network) {
  return {{"network", network.short_hex()}};
}

std::string render(const std::string& name, const labels& l) {
  if (l.empty())
    return name;
  std::string out = name + '{';
  for (auto i = l.begin(); i != l.end(); ++i) {
    if (i != l.begin())
      out += ',';
    out += i->first + "=\"";
    append_escaped(out, i->second);
    out += '"';
  }
  return out + '}';
}

} // namespace mosaik::metrics
