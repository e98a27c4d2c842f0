#pragma once
// Membership changes live in the log as config_change entries (one change
// per entry, one pending at a time; dissertation §4.1). A node uses the
// latest configuration in its log, committed or not.
//
// Payload layout (fixed, so the pure core can read it without a codec):
//   byte 0: change kind; bytes 1..32: node id; bootstrap only: 16-byte nonce.

#include "actors/core/raft/storage.hpp"
#include "actors/core/raft/types.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace mosaik::raft {

enum class change_kind : std::uint8_t {
  bootstrap = 0,   // the group's first entry: `node` is its only voter
  add_learner = 1, // a joining peer replicates but does not vote
  promote = 2,     // a caught-up learner becomes a voter
  demote = 3,      // a voter becomes a learner (it turned observer)
  remove = 4,      // departed, or silent for member_timeout
};

struct config_change {
  change_kind kind = change_kind::add_learner;
  node_id node;
  std::array<std::uint8_t, 16> nonce{}; // bootstrap only: makes each bootstrap unique

  friend bool operator==(const config_change&, const config_change&) = default;
};

bytes encode(const config_change& c);
std::optional<config_change> decode_config_change(byte_view data);

bool is_voter(const configuration& c, const node_id& id);
bool is_learner(const configuration& c, const node_id& id);
bool is_member(const configuration& c, const node_id& id);

/// The configuration after `e` (unchanged unless `e` is a valid change for
/// `c`: a deterministic function of both, so every node agrees).
configuration apply_entry(const configuration& c, const entry& e);

/// The configuration in force at index `i` of `s`: the snapshot's, then
/// every change up to `i`.
storage_result<configuration> configuration_at(const storage& s, index_t i);

} // namespace mosaik::raft
