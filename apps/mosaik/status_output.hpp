#pragma once
// How `mosaik status` prints a node's status: one JSON object (--json) or a
// table for people. Apart from the command so tests can print any status.

#include "actors/core/wire/status.hpp"

#include <ostream>
#include <string>

namespace mosaik::cli {

/// The status as one JSON object on one line.
std::string status_json(const wire::node_status& s);

/// The status as sections (links, catalog, groups, metrics), one row each.
void print_status_table(std::ostream& out, const wire::node_status& s);

} // namespace mosaik::cli
