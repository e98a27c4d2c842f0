#pragma once
// Owns the local entry and the key that signs it. A content change bumps the
// version and re-signs at once (the engine re-announces it); the periodic
// heartbeat bumps the version every announce_interval +- jitter so peers keep
// the entry fresh and forward it (a repeated version would be deduplicated).

#include "actors/core/discovery/config.hpp"
#include "actors/core/discovery/departure.hpp"
#include "actors/core/discovery/rng.hpp"
#include "actors/core/discovery/signed_peer_entry.hpp"
#include "actors/core/expected.hpp"

namespace mosaik::discovery {

class announcer {
public:
  /// The entry starts at version (now, now) with cfg.tags and `addresses`.
  announcer(const config& cfg, const network_id& network, secret_key key,
            peer_entry::address_set addresses, millis now, rng& r);

  const signed_peer_entry& current() const { return current_; }
  const secret_key& key() const { return key_; }

  /// Applies `change(peer_entry&) -> bool` to a copy of the entry. When it
  /// changed the content within the limits, the version is bumped, the entry
  /// re-signed and the next heartbeat rescheduled; returns whether it changed.
  template <class F>
  expected<bool, rejection> update(millis now, rng& r, F&& change) {
    auto next = current_.entry();
    change(next);
    if (next.same_content(current_.entry()))
      return false;
    if (auto broken = check_limits(next, limits_))
      return unexpected{*broken};
    next.bump_version(now);
    resign(std::move(next));
    schedule(now, r);
    return true;
  }

  bool heartbeat_due(millis now) const { return now >= next_heartbeat_; }
  /// Bumps the version, re-signs and schedules the next heartbeat.
  void heartbeat(millis now, rng& r);
  millis next_heartbeat() const { return next_heartbeat_; }

  departure depart(millis now) const;

private:
  void resign(peer_entry e);
  void schedule(millis now, rng& r);

  millis interval_;
  double jitter_;
  limits limits_;
  secret_key key_;
  signed_peer_entry current_;
  millis next_heartbeat_{0};
};

} // namespace mosaik::discovery
