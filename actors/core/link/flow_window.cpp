#include "actors/core/link/flow_window.hpp"

#include "actors/core/check.hpp"

namespace mosaik::link {

send_window::outcome send_window::offer(wire::frame f, std::vector<wire::frame>& ready, bool past_cap) {
  auto cost = frame_cost(f.payload.size());
  if (backlog_.empty() && credit_ >= cost) {
    credit_ -= cost;
    ready.push_back(std::move(f));
    return outcome::sent;
  }
  bool over = backlog_bytes_ + cost > cap_;
  if (over) {
    refused_ = true;
    if (!past_cap)
      return outcome::full;
  }
  backlog_bytes_ += cost;
  backlog_.push_back(std::move(f));
  return over ? outcome::over_cap : outcome::queued;
}

void send_window::grant(std::uint64_t n, std::vector<wire::frame>& ready) {
  credit_ += n;
  release(ready);
}

void send_window::release(std::vector<wire::frame>& ready) {
  while (!backlog_.empty()) {
    auto cost = frame_cost(backlog_.front().payload.size());
    if (credit_ < cost)
      return;
    credit_ -= cost;
    backlog_bytes_ -= cost;
    ready.push_back(std::move(backlog_.front()));
    backlog_.pop_front();
  }
}

bool send_window::take_writable() {
  if (!refused_ || backlog_bytes_ > cap_ / 2)
    return false;
  refused_ = false;
  return true;
}

bool receive_window::arrived(std::uint64_t cost) {
  if (cost > in_flight_)
    return false;
  in_flight_ -= cost;
  outstanding_ += cost;
  return true;
}

std::uint64_t receive_window::consumed(std::uint64_t cost) {
  MOSAIK_CHECK(cost <= outstanding_, "consumed ", cost, " of ", outstanding_, " outstanding");
  outstanding_ -= cost;
  ungranted_ += cost;
  if (ungranted_ < window_ / 4)
    return 0;
  auto grant = ungranted_;
  ungranted_ = 0;
  in_flight_ += grant;
  return grant;
}

} // namespace mosaik::link
