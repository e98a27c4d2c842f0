#pragma once
// The client operations a group engine serves (FEATURES 6.6) and how each
// ends. Every operation ends exactly once, with a completion or a failure
// whose code says whether its commands may have taken effect.

#include "actors/core/bytes.hpp"
#include "actors/core/groups/machine.hpp"
#include "actors/core/groups/messages.hpp"
#include "actors/core/groups/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mosaik::groups {

/// Chosen by the caller, unique among its operations in flight.
using op_id = std::uint64_t;

enum class op_errc : std::uint8_t {
  // Definite: no command of the operation took effect.
  offline,     // this node is not part of a working group now (candidate, catching up)
  no_leader,   // no leader known
  no_commands, // an empty command list
  rejected,    // refused before proposing (too many operations in flight, too large)
  closed,      // the group is closing or closed
  storage,     // the node's storage failed; the group stopped
  // Unknown: a command may have been (or may still be) committed.
  leader_changed, // the leader that accepted it lost its term before commit
  timeout,        // the deadline passed
};

std::string_view to_string(op_errc e);
/// True for codes after which no command of the operation took effect.
bool is_definite(op_errc e);

struct op_failure {
  op_errc code = op_errc::offline;
  std::string detail;
  /// The commands that definitely did not take effect, in issue order (all
  /// of them for a definite code; possibly some for an unknown one).
  std::vector<bytes> unsent;
};

/// feed: every command was appended by the leader at `range` (not yet
/// committed).
struct fed {
  op_id id = 0;
  index_range range;
};

/// execute: every command is committed and applied locally; one outcome per
/// command, in order.
struct executed {
  op_id id = 0;
  index_range range;
  std::vector<apply_outcome> results;
};

/// query: the machine's answer, served at applied index `at`.
struct queried {
  op_id id = 0;
  bytes result;
  raft::index_t at = 0;
};

struct failed {
  op_id id = 0;
  op_failure failure;
};

using completion = std::variant<fed, executed, queried, failed>;

enum class consistency : std::uint8_t {
  weak,   // the local state as it is
  strong, // linearizable: ReadIndex, confirmed by the leader
};

} // namespace mosaik::groups
