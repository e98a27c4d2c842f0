#include "actors/core/discovery/event_queue.hpp"

namespace mosaik::discovery {

void event_queue::push(event e) {
  waiting_.push_back(std::move(e));
  if (waiting_.size() > capacity_) {
    waiting_.pop_front();
    ++lost_;
    ++lost_total_;
  }
}

std::optional<event_queue::batch> event_queue::take() {
  if (in_flight_ || (waiting_.empty() && lost_ == 0))
    return std::nullopt;
  batch b{{waiting_.begin(), waiting_.end()}, lost_};
  waiting_.clear();
  lost_ = 0;
  in_flight_ = true;
  return b;
}

} // namespace mosaik::discovery
