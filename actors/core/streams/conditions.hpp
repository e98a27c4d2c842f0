#pragma once
// Conditions over the set of connected channels of a producer or consumer
// (FEATURES 5.6): `online_when` and the `when()` conditions of the API.
//   minimum_of(2).with_tags({gpu}) : at least two connected peers tagged gpu
//   subscribed()                   : at least one connected peer
//   subscribed().unmet()           : none
//   minimum_of(1) && minimum_of(3).with_predicate(f) : both hold
// A leaf is met when the number of connected peers that pass all of its
// filters (tags, predicates) reaches its minimum, inverted by unmet().
// Composites (&&, ||) combine met-ness; a filter added to a composite
// narrows every leaf in it.
//
// condition_watch turns a condition into edges: the actors fire `when()`
// only when it goes from not met to met (or back). A fresh watch has seen
// nothing, so a condition met at its first evaluation is an edge.

#include "actors/core/discovery/peer_info.hpp"
#include "actors/core/ids/ids.hpp"

#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace mosaik::streams {

/// Describes a remote peer for `require` and the conditions: its catalog
/// entry (peer id, tags, streams...) and its RTT when one was measured.
using peer_description = discovery::peer_info;
using peer_predicate = std::function<bool(const peer_description&)>;

class channel_conditions {
public:
  /// At least `n` connected channels (n = 0: always met).
  static channel_conditions minimum_of(std::size_t n);

  /// Counts only peers whose tags include every one of `tags`.
  channel_conditions with_tags(std::vector<tag> tags) const;
  /// Counts only peers that pass `p`.
  channel_conditions with_predicate(peer_predicate p) const;
  /// Met exactly when this one is not.
  channel_conditions unmet() const;

  friend channel_conditions operator&&(const channel_conditions& a, const channel_conditions& b);
  friend channel_conditions operator||(const channel_conditions& a, const channel_conditions& b);

  /// `connected`: the peers of the connected channels.
  bool is_met(std::span<const peer_description> connected) const;

private:
  struct node;
  explicit channel_conditions(std::shared_ptr<const node> n) : node_(std::move(n)) {}
  static channel_conditions combine(bool all, const channel_conditions& a,
                                    const channel_conditions& b);
  std::shared_ptr<const node> node_;
};

inline channel_conditions minimum_of(std::size_t n) { return channel_conditions::minimum_of(n); }
/// At least one connected channel.
inline channel_conditions subscribed() { return minimum_of(1); }
inline channel_conditions unsubscribed() { return subscribed().unmet(); }

enum class condition_edge : std::uint8_t { none, became_met, became_unmet };

class condition_watch {
public:
  explicit condition_watch(channel_conditions c) : cond_(std::move(c)) {}

  /// Re-evaluates over `connected`; the edge since the last evaluation.
  condition_edge update(std::span<const peer_description> connected);
  /// As of the last evaluation (false before the first).
  bool met() const { return met_; }
  const channel_conditions& condition() const { return cond_; }

private:
  channel_conditions cond_;
  bool met_ = false;
};

} // namespace mosaik::streams
