#pragma once
// Per-sender scores for bad input (see penalty_policy). The sender is the
// authenticated link peer a message came from, never the peer an entry
// claims to be from, so nobody can get a third party banned by forging.

#include "actors/core/discovery/penalty_policy.hpp"
#include "actors/core/ids/keys.hpp"

#include <map>

namespace mosaik::discovery {

class penalty_box {
public:
  explicit penalty_box(penalty_policy policy) : policy_(policy) {}

  /// Adds the weight of `why`. True when this charge bans the sender.
  bool charge(const peer_id& sender, rejection why, millis now);
  /// The decayed score at `now`.
  std::uint32_t score(const peer_id& sender, millis now) const;
  bool banned(const peer_id& sender, millis now) const;
  /// Forgets senders with a zero score and no ban.
  void forget_idle(millis now);
  std::size_t tracked() const { return scores_.size(); }

private:
  struct account {
    std::uint32_t score = 0;
    millis updated{0};
    millis banned_until{0};
  };

  std::uint32_t decayed(const account& a, millis now) const;
  void make_room();

  penalty_policy policy_;
  std::map<peer_id, account> scores_;
};

} // namespace mosaik::discovery
