#pragma once
// Keys, entries and times shared by the discovery unit tests.

#include "actors/core/discovery/config.hpp"
#include "actors/core/discovery/departure.hpp"
#include "actors/core/discovery/signed_peer_entry.hpp"

#include <cstdint>

namespace mosaik::discovery::testing {

inline secret_key key_of(std::uint8_t n) {
  secret_key::seed_type seed;
  seed.fill(n);
  return secret_key::from_seed(seed);
}

inline const network_id& test_network() {
  static const auto id = network_id::from("discovery-test");
  return id;
}

/// An unsigned entry of `key`'s peer at version (start, update).
inline peer_entry entry_of(const secret_key& key, std::int64_t start, std::int64_t update,
                           const network_id& network = test_network()) {
  peer_entry e{"mosaik-cpp/test", network, key.public_id(), {start, update}};
  e.add_address({"10.0.0.1", 4000});
  return e;
}

inline signed_peer_entry sign(peer_entry e, const secret_key& key) {
  return *signed_peer_entry::sign(std::move(e), key);
}

inline signed_peer_entry signed_entry_of(const secret_key& key, std::int64_t start,
                                         std::int64_t update,
                                         const network_id& network = test_network()) {
  return sign(entry_of(key, start, update, network), key);
}

inline config test_config() {
  config cfg;
  cfg.announce_interval = millis{1'000};
  cfg.purge_after = millis{10'000};
  cfg.max_time_drift = millis{2'000};
  cfg.seed = 42;
  return cfg;
}

} // namespace mosaik::discovery::testing
