// The client's driver: sends and times round trips and bursts on the link
// (send_frame to its node, frame_received back) and on CAF BASP (a proxy of
// the server's published echo actor). The clock starts inside the actor, so
// the command's own hop from the main thread is not timed.
#include "apps/bench/link_bench.hpp"

#include "actors/node/node_api.hpp"

#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>

#include <chrono>
#include <memory>

namespace mosaik::bench {

namespace {

using clock_type = std::chrono::steady_clock;

double elapsed_us(clock_type::time_point t0) {
  return std::chrono::duration<double, std::micro>(clock_type::now() - t0).count();
}

/// A link round trip or burst waiting for the echo's answer.
struct waiting {
  caf::response_promise rp;
  clock_type::time_point t0;
  bool burst = false;
};

std::uint64_t count_in(const std::vector<char>& reply) {
  return read_count_reply(reinterpret_cast<const std::uint8_t*>(reply.data()), reply.size())
    .value_or(0);
}

} // namespace

caf::behavior driver(caf::event_based_actor* self, targets to) {
  auto pending = std::make_shared<std::optional<waiting>>();
  auto send_link = [=](char what, std::size_t size) {
    self->send(to.node, node::send_frame{to.server, wire::frame_kind::stream, std::nullopt,
                                         payload<bytes>(what, size)});
  };
  auto fail = [](caf::response_promise rp) {
    return [=](caf::error& err) mutable { rp.deliver(std::move(err)); };
  };
  constexpr auto timeout = std::chrono::seconds{30};
  return {
    [=](const round_trip_cmd& cmd) {
      auto rp = self->make_response_promise();
      auto t0 = clock_type::now();
      if (cmd.via == path::link) {
        *pending = waiting{rp, t0, false};
        return send_link(ping, cmd.size);
      }
      self->request(to.basp_echo, timeout, payload<std::vector<char>>(ping, cmd.size))
        .then([=](std::vector<char>&) mutable { rp.deliver(elapsed_us(t0)); }, fail(rp));
    },
    [=](const burst_cmd& cmd) {
      auto rp = self->make_response_promise();
      auto t0 = clock_type::now();
      if (cmd.via == path::link) {
        for (int i = 0; i < cmd.frames; ++i)
          send_link(through, cmd.size);
        *pending = waiting{rp, t0, true};
        return send_link(end_mark, 1);
      }
      for (int i = 0; i < cmd.frames; ++i)
        self->send(to.basp_echo, caf::atom("t"), payload<std::vector<char>>(through, cmd.size));
      self->request(to.basp_echo, timeout, payload<std::vector<char>>(end_mark, 1))
        .then(
          [=](std::vector<char>& reply) mutable {
            rp.deliver(burst_result{elapsed_us(t0), count_in(reply)});
          },
          fail(rp));
    },
    [=](node::frame_received& f) {
      if (!*pending)
        return;
      auto w = std::move(**pending);
      pending->reset();
      if (!w.burst)
        return w.rp.deliver(elapsed_us(w.t0));
      auto count = read_count_reply(f.payload.data(), f.payload.size()).value_or(0);
      w.rp.deliver(burst_result{elapsed_us(w.t0), count});
    },
  };
}

} // namespace mosaik::bench
