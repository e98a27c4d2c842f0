#pragma once
// Remembers the last `capacity` remote handshake nonces, so a replayed hello
// (and with it a replayed proof) is refused as stale instead of answered.

#include "actors/core/wire/handshake.hpp"

#include <cstddef>
#include <deque>
#include <set>

namespace mosaik::link {

class replay_guard {
public:
  explicit replay_guard(std::size_t capacity) : capacity_(capacity) {}

  /// False when `n` was seen before; otherwise remembers it and returns true.
  bool admit(const wire::nonce& n);

  std::size_t size() const { return order_.size(); }

private:
  std::size_t capacity_;
  std::set<wire::nonce> seen_;
  std::deque<wire::nonce> order_; // oldest first, for eviction
};

} // namespace mosaik::link
