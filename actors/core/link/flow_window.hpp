#pragma once
// Credit-based flow control of one link (DESIGN section 4). The receiver
// grants the sender bytes; the sender spends them on data frames (the frames
// routed to local handlers) and queues what the credit does not cover, in a
// bounded backlog. The receiver grants again only as its handlers finish
// with what they were given, so a slow handler slows the sender, and neither
// side's memory grows past its window and backlog whatever the peer does.
// Control frames (heartbeats, closes, credit) are not counted.

#include "actors/core/wire/frame.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace mosaik::link {

/// What a data frame costs against the window: its payload and a fixed
/// share for the envelope, so even empty frames are bounded in number.
constexpr std::uint64_t frame_cost(std::size_t payload_size) {
  return payload_size + 64;
}

class send_window {
public:
  /// over_cap: queued past the cap, as the sender asked (it bounds what it
  /// sends so and waits for take_writable, like after `full`).
  enum class outcome { sent, queued, full, over_cap };

  explicit send_window(std::size_t backlog_cap) : cap_(backlog_cap) {}

  /// A data frame to send: covered by credit now (appended to `ready`),
  /// queued behind the backlog, or refused because the backlog is full
  /// (queued anyway with `past_cap`: never lost, so never out of order).
  outcome offer(wire::frame f, std::vector<wire::frame>& ready, bool past_cap = false);

  /// The peer granted `n` more bytes; the frames now covered go to `ready`.
  void grant(std::uint64_t n, std::vector<wire::frame>& ready);

  /// True once after a refusal, when the backlog has drained to half its
  /// cap: the moment to tell refused senders to try again.
  bool take_writable();

  std::uint64_t credit() const { return credit_; }
  std::size_t backlog_bytes() const { return backlog_bytes_; }
  std::size_t backlog_frames() const { return backlog_.size(); }

private:
  void release(std::vector<wire::frame>& ready);

  std::size_t cap_;
  std::uint64_t credit_ = 0;
  std::deque<wire::frame> backlog_;
  std::size_t backlog_bytes_ = 0;
  bool refused_ = false;
};

class receive_window {
public:
  /// The link opens with a grant of the whole window, sent at link up.
  explicit receive_window(std::uint64_t window) : window_(window), in_flight_(window) {}

  std::uint64_t window() const { return window_; }

  /// A data frame of `cost` arrived; false when the peer sent past the
  /// credit it was given (a protocol violation).
  bool arrived(std::uint64_t cost);

  /// A handler is done with `cost`; returns the grant to send now (0 when
  /// it waits to batch, until a quarter of the window was consumed).
  std::uint64_t consumed(std::uint64_t cost);

  /// Bytes given to handlers and not yet consumed.
  std::uint64_t outstanding() const { return outstanding_; }

private:
  std::uint64_t window_;
  std::uint64_t outstanding_ = 0; // received, not yet consumed
  std::uint64_t in_flight_ = 0;   // granted and not yet received, as the peer may still send
  std::uint64_t ungranted_ = 0;   // consumed, not yet granted back
};

} // namespace mosaik::link
