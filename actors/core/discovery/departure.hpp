#pragma once
// A graceful departure (FEATURES.md 4.5): the leaving peer signs its id, its
// last entry version and the time it left. The network id is signed too, so
// a departure cannot be replayed into another network.

#include "actors/core/discovery/entry_version.hpp"
#include "actors/core/discovery/time.hpp"
#include "actors/core/ids/ids.hpp"
#include "actors/core/ids/keys.hpp"

namespace mosaik::discovery {

class departure {
public:
  static departure sign(const network_id& network, const secret_key& key,
                        entry_version last_version, millis timestamp);
  static departure unverified(const network_id& network, const peer_id& peer,
                              entry_version last_version, millis timestamp, signature sig) {
    return departure{network, peer, last_version, timestamp, sig};
  }

  const network_id& network() const { return network_; }
  const peer_id& peer() const { return peer_; }
  const entry_version& last_version() const { return last_version_; }
  millis timestamp() const { return timestamp_; }
  const signature& sig() const { return sig_; }

  /// The canonical bytes whose digest the peer signs.
  bytes signing_bytes() const;
  bool verify() const;

  friend bool operator==(const departure&, const departure&) = default;

private:
  departure(network_id network, peer_id peer, entry_version last_version, millis timestamp,
            signature sig)
    : network_(network), peer_(peer), last_version_(last_version), timestamp_(timestamp),
      sig_(sig) {}

  network_id network_;
  peer_id peer_;
  entry_version last_version_;
  millis timestamp_{0};
  signature sig_;
};

} // namespace mosaik::discovery
