#pragma once
// The links discovery knows about and, among them, the bounded gossip peer
// set announcements are pushed on. A link joins the gossip set while there
// is room; a link we opened to probe a quiet peer joins even when the set is
// full, evicting a random member, so overlays that grew apart during a
// partition knit together again. Also tracks dials in flight and backoff.

#include "actors/core/discovery/config.hpp"
#include "actors/core/discovery/rng.hpp"
#include "actors/core/ids/keys.hpp"

#include <map>
#include <optional>
#include <set>
#include <vector>

namespace mosaik::discovery {

enum class dial_reason : std::uint8_t {
  fill,  // below min_gossip_peers
  probe, // a catalog peer went quiet: maybe a partition healed
  sync,  // the API asked for a sync with this peer
};

class gossip_links {
public:
  explicit gossip_links(const config& cfg)
    : max_gossip_(cfg.gossip_peers), dial_timeout_(cfg.dial_timeout),
      redial_backoff_(cfg.redial_backoff) {}

  /// Records the link; returns a gossip member evicted to make room for it.
  std::optional<peer_id> link_up(const peer_id& peer, millis now, rng& r);
  void link_down(const peer_id& peer);
  void dial_started(const peer_id& peer, dial_reason why, millis now);
  /// Why the failed dial was made, if we were dialling `peer`.
  std::optional<dial_reason> dial_failed(const peer_id& peer, millis now);
  /// Fails dials older than dial_timeout; returns them.
  std::vector<std::pair<peer_id, dial_reason>> expire(millis now);

  bool is_link(const peer_id& peer) const { return links_.contains(peer); }
  bool is_gossip(const peer_id& peer) const { return gossip_.contains(peer); }
  /// Not linked, not being dialled, not backing off.
  bool can_dial(const peer_id& peer, millis now) const;
  std::size_t dials_for(dial_reason why) const;
  millis linked_for(const peer_id& peer, millis now) const;

  const std::set<peer_id>& gossip() const { return gossip_; }
  std::vector<peer_id> links() const;
  /// Up to `n` random gossip members other than `except`.
  std::vector<peer_id> pick(std::size_t n, const std::optional<peer_id>& except, rng& r) const;
  std::optional<millis> next_deadline() const;

private:
  struct dial {
    dial_reason why;
    millis deadline;
  };

  std::size_t max_gossip_;
  millis dial_timeout_;
  millis redial_backoff_;
  std::map<peer_id, millis> links_; // peer -> when the link came up
  std::set<peer_id> gossip_;
  std::map<peer_id, dial> dialing_;
  std::map<peer_id, millis> backoff_until_;
};

} // namespace mosaik::discovery
