#pragma once
// Labels of a metric: name -> value, kept sorted so a metric's rendered name
// (`name{k="v",...}`) is stable.

#include "actors/core/ids/ids.hpp"

#include <map>
#include <string>

namespace mosaik::metrics {

using labels = std::map<std::string, std::string>;

/// `name` alone, or `name{k="v",k2="v2"}` with the labels in name order.
std::string render(const std::string& name, const labels& l);

/// The labels of every series of a node: `network` = its short network id.
labels network_labels(const network_id& network);

} // namespace mosaik::metrics
