#pragma once
// The events waiting for one discovery subscriber. One batch is in flight at
// a time (the subscriber answers each); while it is, at most `capacity`
// events wait and the oldest give way, counted as lost, so a slow subscriber
// never grows the discovery actor's memory.

#include "actors/core/discovery/event.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace mosaik::discovery {

class event_queue {
public:
  struct batch {
    std::vector<event> events;
    std::uint64_t lost = 0;
  };

  explicit event_queue(std::size_t capacity) : capacity_(capacity) {}

  void push(event e);
  /// The next batch to send, if nothing is in flight and anything waits;
  /// marks it in flight.
  std::optional<batch> take();
  /// The subscriber answered the batch in flight.
  void acknowledged() { in_flight_ = false; }

  std::size_t waiting() const { return waiting_.size(); }
  std::uint64_t lost_total() const { return lost_total_; }

private:
  std::size_t capacity_;
  std::deque<event> waiting_;
  std::uint64_t lost_ = 0;       // since the last batch
  std::uint64_t lost_total_ = 0;
  bool in_flight_ = false;
};

} // namespace mosaik::discovery
