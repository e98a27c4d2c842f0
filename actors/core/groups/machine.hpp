#pragma once
// The user's replicated state machine as the group engine sees it: bytes in,
// bytes out. actors/groups/machine_adapter.hpp wraps a user's typed machine
// (command, query and result types with a codec) into this interface.
//
// Determinism is the contract: apply() must produce the same state and the
// same outcome on every replica for the same command at the same index, so
// it sees only the command and its context (no clock, no randomness). A
// command that does not decode, or that the machine refuses, is rejected:
// the rejection is the entry's outcome on every replica, and nothing crashes.

#include "actors/core/bytes.hpp"
#include "actors/core/expected.hpp"
#include "actors/core/ids/ids.hpp"
#include "actors/core/raft/types.hpp"

#include <string>

namespace mosaik::groups {

struct apply_context {
  raft::index_t index = 0;
  raft::term_t term = 0;
  group_id group;
};

/// The result of applying one command, or why it was rejected.
using apply_outcome = expected<bytes, std::string>;

class machine {
public:
  virtual ~machine() = default;
  virtual apply_outcome apply(byte_view command, const apply_context& ctx) = 0;
  /// Read-only; an error when the query does not decode or is refused.
  virtual expected<bytes, std::string> query(byte_view q) const = 0;
};

} // namespace mosaik::groups
