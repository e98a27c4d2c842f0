#include "actors/core/link/replay_guard.hpp"

namespace mosaik::link {

bool replay_guard::admit(const wire::nonce& n) {
  if (!seen_.insert(n).second)
    return false;
  order_.push_back(n);
  while (order_.size() > capacity_) {
    seen_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

} // namespace mosaik::link
