#pragma once
// Scores peers that send garbage, oversized or unknown frames. Points leak
// away over time (one per `forgive` interval); reaching `threshold` means:
// disconnect and ban. Repeat offenders are banned longer each time.

#include "actors/core/ids/keys.hpp"
#include "actors/core/link/link_config.hpp"

#include <map>
#include <optional>

namespace mosaik::link {

class misbehaviour_tracker {
public:
  explicit misbehaviour_tracker(const misbehaviour_config& cfg = {}) : cfg_(cfg) {}

  /// Records an offence worth `points`. Returns the end of the ban when this
  /// offence pushed the peer over the threshold, nullopt otherwise.
  std::optional<time_point> offend(const peer_id& peer, time_point now, double points = 1);

  /// Bans `peer` until `until` (a ban another subsystem decided, e.g.
  /// discovery's penalties); an existing longer ban is kept.
  void ban(const peer_id& peer, time_point now, time_point until);

  /// True while `peer` is banned.
  bool banned(const peer_id& peer, time_point now) const;

  /// The current score of `peer` (after forgiveness up to `now`).
  double score(const peer_id& peer, time_point now) const;

  std::size_t tracked() const { return entries_.size(); }

private:
  struct entry {
    double score = 0;
    time_point updated{};
    time_point banned_until{};
    unsigned bans = 0;
  };

  double decayed(const entry& e, time_point now) const;
  void make_room(time_point now);

  misbehaviour_config cfg_;
  std::map<peer_id, entry> entries_;
};

} // namespace mosaik::link
