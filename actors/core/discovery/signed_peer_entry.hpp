#pragma once
// A peer entry with its peer's Ed25519 signature over the entry's content
// digest (FEATURES.md 4.2). Any node can verify an entry it got second-hand.
// Decoders pair an entry with a claimed signature through `unverified`; the
// catalog verifies before anything enters it.

#include "actors/core/discovery/peer_entry.hpp"

#include <optional>

namespace mosaik::discovery {

class signed_peer_entry {
public:
  /// nullopt when `key` is not the entry's peer.
  static std::optional<signed_peer_entry> sign(peer_entry entry, const secret_key& key);
  /// Pairs an entry with a signature nobody has checked yet.
  static signed_peer_entry unverified(peer_entry entry, signature sig) {
    return signed_peer_entry{std::move(entry), sig};
  }

  const peer_entry& entry() const { return entry_; }
  const signature& sig() const { return sig_; }
  const peer_id& peer() const { return entry_.peer(); }
  const entry_version& version() const { return entry_.version(); }

  /// True when the signature is the entry's peer's over its content digest.
  bool verify() const;

  friend bool operator==(const signed_peer_entry&, const signed_peer_entry&) = default;

private:
  signed_peer_entry(peer_entry entry, signature sig) : entry_(std::move(entry)), sig_(sig) {}

  peer_entry entry_;
  signature sig_;
};

} // namespace mosaik::discovery
