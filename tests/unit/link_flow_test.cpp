#include "actors/core/link/flow_window.hpp"

#include <doctest/doctest.h>

#include <random>

using namespace mosaik;
using link::frame_cost;
using link::receive_window;
using link::send_window;
using outcome = send_window::outcome;

namespace {

wire::frame data(std::size_t size, std::uint8_t tag = 0) {
  return {wire::frame_kind::stream, 0, bytes(size, tag), {}};
}

} // namespace

TEST_CASE("flow: a sender without credit queues, and a grant releases in order") {
  send_window w{1000};
  std::vector<wire::frame> ready;
  CHECK(w.offer(data(100, 1), ready) == outcome::queued);
  CHECK(w.offer(data(100, 2), ready) == outcome::queued);
  CHECK(ready.empty());
  w.grant(frame_cost(100), ready);
  REQUIRE(ready.size() == 1);
  CHECK(ready[0].payload[0] == 1);
  w.grant(frame_cost(100) + 10, ready);
  REQUIRE(ready.size() == 2);
  CHECK(ready[1].payload[0] == 2);
  CHECK(w.credit() == 10);
  CHECK(w.backlog_bytes() == 0);
}

TEST_CASE("flow: with credit and an empty backlog a frame goes at once") {
  send_window w{1000};
  std::vector<wire::frame> ready;
  w.grant(500, ready);
  CHECK(w.offer(data(10), ready) == outcome::sent);
  CHECK(w.credit() == 500 - frame_cost(10));
}

TEST_CASE("flow: a frame never overtakes the backlog, even with credit for it") {
  send_window w{10'000};
  std::vector<wire::frame> ready;
  w.grant(frame_cost(10), ready);
  CHECK(w.offer(data(1000, 1), ready) == outcome::queued); // not covered
  CHECK(w.offer(data(10, 2), ready) == outcome::queued);   // covered, but behind
  CHECK(ready.empty());
}

TEST_CASE("flow: a full backlog refuses, and says once when it drained to half") {
  send_window w{3 * frame_cost(100)};
  std::vector<wire::frame> ready;
  for (int i = 0; i < 3; ++i)
    CHECK(w.offer(data(100), ready) == outcome::queued);
  CHECK(w.offer(data(100), ready) == outcome::full);
  CHECK(w.backlog_frames() == 3);
  CHECK_FALSE(w.take_writable()); // still full
  w.grant(frame_cost(100), ready);
  CHECK_FALSE(w.take_writable()); // 2 of 3 left: above half
  w.grant(frame_cost(100), ready);
  CHECK(w.take_writable());
  CHECK_FALSE(w.take_writable()); // once per refusal
}

TEST_CASE("flow: past the cap a frame is queued in order and the sender still hears when it drained") {
  send_window w{2 * frame_cost(100)};
  std::vector<wire::frame> ready;
  for (std::uint8_t i = 1; i <= 2; ++i)
    CHECK(w.offer(data(100, i), ready) == outcome::queued);
  CHECK(w.offer(data(100, 3), ready, true) == outcome::over_cap);
  CHECK(w.offer(data(100, 4), ready) == outcome::full); // the cap still holds for others
  CHECK(w.backlog_frames() == 3);
  CHECK(w.backlog_bytes() == 3 * frame_cost(100));
  w.grant(2 * frame_cost(100), ready);
  CHECK(w.take_writable()); // 1 of 2 left
  w.grant(frame_cost(100), ready);
  REQUIRE(ready.size() == 3);
  for (std::uint8_t i = 0; i < 3; ++i)
    CHECK(ready[i].payload[0] == i + 1);
  CHECK(w.backlog_bytes() == 0);
}

TEST_CASE("flow: a receiver refuses what the sender had no credit for") {
  receive_window r{1000};
  CHECK(r.arrived(600));
  CHECK(r.arrived(400));
  CHECK_FALSE(r.arrived(1)); // past the window
  CHECK(r.outstanding() == 1000);
}

TEST_CASE("flow: grants are batched to a quarter window and restore the credit") {
  receive_window r{1000};
  CHECK(r.arrived(1000));
  CHECK(r.consumed(100) == 0);
  CHECK(r.consumed(100) == 0);
  CHECK(r.consumed(100) == 300); // 300 >= 250: granted
  CHECK(r.arrived(300));
  CHECK_FALSE(r.arrived(1));
}

TEST_CASE("flow: sender and receiver never disagree, whatever the sizes and the pace") {
  std::mt19937_64 rng{7};
  send_window s{1u << 16};
  receive_window r{1u << 14};
  std::vector<wire::frame> wire_in_flight;
  std::vector<wire::frame> ready;
  s.grant(r.window(), ready);
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  std::vector<std::uint64_t> at_handler;
  for (int step = 0; step < 20'000; ++step) {
    switch (rng() % 3) {
      case 0: // the application offers a frame
        if (s.offer(data(rng() % 3000), ready) != outcome::full)
          ++sent;
        break;
      case 1: // the wire delivers what was released
        for (auto& f : ready) {
          auto cost = frame_cost(f.payload.size());
          REQUIRE(r.arrived(cost));
          at_handler.push_back(cost);
          ++delivered;
        }
        ready.clear();
        break;
      default: // a handler finishes one frame
        if (!at_handler.empty()) {
          if (auto g = r.consumed(at_handler.front()))
            s.grant(g, ready);
          at_handler.erase(at_handler.begin());
        }
    }
    CHECK(r.outstanding() <= r.window());
    CHECK(s.backlog_bytes() <= (1u << 16));
  }
  CHECK(delivered + ready.size() + s.backlog_frames() == sent);
  CHECK(delivered > 1000);
}
