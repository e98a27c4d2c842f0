#pragma once
// The actors watching a producer or consumer (watch_producer,
// watch_consumer): each is monitored, and dropped when it goes down, so
// the facade's short-lived waiters do not pile up.

#include <caf/actor.hpp>
#include <caf/system_messages.hpp>

#include <algorithm>
#include <vector>

namespace mosaik::streams {

inline void forget_watcher(std::vector<caf::actor>& watchers, const caf::down_msg& dm) {
  watchers.erase(std::remove_if(watchers.begin(), watchers.end(),
                                [&](const caf::actor& a) { return a.address() == dm.source; }),
                 watchers.end());
}

} // namespace mosaik::streams
