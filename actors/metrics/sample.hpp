#pragma once
// One time series of a registry as `mosaik status` shows it.

#include <string>

namespace mosaik::metrics {

struct sample {
  std::string name; // dotted name with the series' own labels: `name{k="v"}`
  double value = 0;

  friend bool operator==(const sample&, const sample&) = default;
};

} // namespace mosaik::metrics
