#pragma once
// What two members of a group say to each other, as plain values.
// schemas/groups.capnp and schemas/codec/groups_codec convert them. Bond
// messages travel in frames of kind `group`, state-sync messages in frames
// of kind `sync`; both on the group's channel (its id), over the
// authenticated link to the peer.
//
// The bond handshake (FEATURES 6.3, with the proof bound to the link):
//   initiator -> bond_hello{network, group, proof, lineage, bonded, observer}
//   acceptor  -> bond_welcome{proof, lineage, bonded, observer}   or bond_close{reason}
// Then, in either direction: bond_ping / bond_pong (liveness when nothing
// else flows), bond_formed (mesh completion), bond_departure (graceful
// leave), bond_close, and the Raft messages of the group.

#include "actors/core/ids/digest.hpp"
#include "actors/core/ids/ids.hpp"
#include "actors/core/ids/keys.hpp"
#include "actors/core/raft/message.hpp"
#include "actors/core/raft/types.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mosaik::groups {

/// Why a bond was refused or ended (the original's codes, FEATURES 13.1,
/// where it has one).
enum class bond_close_reason : std::uint16_t {
  unspecified = 0,
  different_network = 101,
  unknown_peer = 401,
  invalid_handshake = 30400,
  not_allowed = 30403,
  group_not_found = 30404,
  invalid_proof = 30405,
  timeout = 30408,
  already_bonded = 30429,
  /// Same group id, different lineage: they bootstrapped apart (ours).
  split_lineage = 30430,
  /// The sender broke the bond protocol (a Raft message naming another
  /// sender, a second hello, ...) (ours).
  protocol_violation = 30431,
  /// The group is closing on the sender's node (ours).
  group_closed = 30432,
};

std::string_view to_string(bond_close_reason r);
/// Known values only; the decoder refuses others.
bool is_known(bond_close_reason r);

/// Upper bound of peer ids in a hello's or welcome's bonded list.
inline constexpr std::size_t max_bonded_listed = 1024;
/// Upper bound of a close detail, in bytes.
inline constexpr std::size_t max_close_detail = 1024;

struct bond_hello {
  network_id network;
  group_id group;
  digest proof;
  /// The sender's group lineage (zero while it holds none of the log).
  digest lineage;
  /// The peers the sender is bonded with in this group (mesh completion).
  std::vector<peer_id> bonded;
  /// The sender never votes or leads: it must not count towards the first
  /// election's quorum, nor be the one that bootstraps.
  bool observer = false;
  /// The sender is reluctant: a normal member bootstraps the group first.
  bool reluctant = false;
  friend bool operator==(const bond_hello&, const bond_hello&) = default;
};

struct bond_welcome {
  digest proof;
  digest lineage;
  std::vector<peer_id> bonded;
  bool observer = false;
  bool reluctant = false;
  friend bool operator==(const bond_welcome&, const bond_welcome&) = default;
};

struct bond_close {
  bond_close_reason reason = bond_close_reason::unspecified;
  std::string detail;
  friend bool operator==(const bond_close&, const bond_close&) = default;
};

struct bond_ping {
  friend bool operator==(const bond_ping&, const bond_ping&) = default;
};

struct bond_pong {
  friend bool operator==(const bond_pong&, const bond_pong&) = default;
};

/// The sender leaves the group for good (its group closed).
struct bond_departure {
  friend bool operator==(const bond_departure&, const bond_departure&) = default;
};

/// The sender bonded with `peer` in this group: bond with it too.
struct bond_formed {
  peer_id peer;
  friend bool operator==(const bond_formed&, const bond_formed&) = default;
};

using bond_message = std::variant<bond_hello, bond_welcome, bond_close, bond_ping, bond_pong,
                                  bond_departure, bond_formed, raft::message>;

std::string_view kind_name(const bond_message& m);

// -- state sync by log replay (FEATURES 7.2) ----------------------------------

/// An inclusive range of log indices; empty when first > last (the
/// original's [0, 0] is first = 1, last = 0 here).
struct index_range {
  raft::index_t first = 1;
  raft::index_t last = 0;
  bool empty() const { return first > last; }
  friend bool operator==(const index_range&, const index_range&) = default;
};

/// Upper bound of entries in one fetch response.
inline constexpr std::size_t max_fetch_entries = 4096;

struct availability_request {
  friend bool operator==(const availability_request&, const availability_request&) = default;
};

/// The committed entries the sender holds.
struct availability_response {
  index_range range;
  friend bool operator==(const availability_response&, const availability_response&) = default;
};

struct fetch_request {
  index_range range;
  friend bool operator==(const fetch_request&, const fetch_request&) = default;
};

/// Consecutive entries `range.first..range.last` (empty when nothing there).
struct fetch_response {
  index_range range;
  std::vector<raft::entry> entries;
  friend bool operator==(const fetch_response&, const fetch_response&) = default;
};

using sync_message =
  std::variant<availability_request, availability_response, fetch_request, fetch_response>;

} // namespace mosaik::groups
