#pragma once
// A group's secret and the id every member derives from it (FEATURES 6.1,
// DESIGN section 3), and the per-link proof of knowing the secret (6.3).
//
//   id = H(secret)
//   id = derive(id, consensus_digest(consensus))
//   id = derive(id, machine_signature)
//   id = derive(id, sync_signature)
//   for v in validators: id = derive(id, v)
//
// Unlike the original, every consensus parameter enters the id, not only
// the heartbeat ones: members that would disagree on timing or quorum
// rules form different groups.
//
// proof(key, binding, sender) = derive(derive(secret, binding), sender),
// where `binding` is the link's channel binding (a digest of its handshake
// transcript, the same on both ends and on no other link) and `sender` the
// peer id of the side that sends the proof: a proof seen on one link is
// worthless on any other, and the secret never travels.

#include "actors/core/groups/consensus_config.hpp"
#include "actors/core/ids/digest.hpp"
#include "actors/core/ids/ids.hpp"
#include "actors/core/ids/keys.hpp"

#include <span>
#include <string>
#include <string_view>

namespace mosaik::groups {

struct group_key {
  digest secret;

  /// The secret from text by the id rules (64 hex characters decode as-is,
  /// anything else is hashed).
  static group_key from_secret(std::string_view text) { return {digest::from(text)}; }
  /// First and last byte only, for logs.
  std::string masked() const;

  friend bool operator==(const group_key&, const group_key&) = default;
};

/// H over every field of `c`, in declaration order, each as little-endian
/// u64 (durations in milliseconds).
digest consensus_digest(const consensus_config& c);

group_id derive_group_id(const group_key& key, const consensus_config& consensus,
                         std::string_view machine_signature, const digest& sync_signature,
                         std::span<const digest> validators = {});

digest bond_proof(const group_key& key, const digest& binding, const peer_id& sender);

/// Constant-time comparison with the proof `sender` should have sent.
bool verify_bond_proof(const group_key& key, const digest& binding, const peer_id& sender,
                       const digest& proof);

} // namespace mosaik::groups
