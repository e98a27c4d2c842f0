#pragma once
// What a consumer and a producer of one stream say to each other, as plain
// values. schemas/streams.capnp and schemas/codec/streams_codec convert
// them. Every message travels in a frame of kind `stream` whose channel is
// the 32-byte stream id, over the authenticated link between the two peers.
//
// One subscription, named by the id the consumer drew for it (a node may
// run several consumers of one stream, and a retry draws a fresh id, so
// late messages of an earlier attempt are told apart):
//   consumer -> producer: subscribe{network, stream, criteria, initial credit in datums and bytes}
//   producer -> consumer: accepted{epoch, next_seq}   or stream_close{code, detail}
//   producer -> consumer: batch{first_seq, datums}    while credit lasts
//   consumer -> producer: credit{datums, bytes}       as the application consumes
//   either side ends it:  stream_close (producer) / unsubscribe (consumer)
//
// Sequence numbers: the producer numbers every datum its fan-out takes,
// from 1, per incarnation (`epoch`, drawn at random when it starts). Each
// subscription carries the numbers of the datums it is sent, so what a
// consumer did not get shows as a gap, never silently: a batch whose
// first_seq is past the one expected (the producer dropped datums of a
// lagging subscription), or an `accepted` whose next_seq is past the last
// one seen from that producer (a reconnect), or a new epoch (a restart).

#include "actors/core/bytes.hpp"
#include "actors/core/ids/ids.hpp"
#include "actors/core/ids/keys.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mosaik::streams {

/// One encoded datum, shared by every subscription it is queued for: the
/// user's type is encoded once, whatever the number of consumers.
using shared_datum = std::shared_ptr<const bytes>;

inline shared_datum make_datum(bytes b) { return std::make_shared<const bytes>(std::move(b)); }

/// Drawn by the consumer for each subscription attempt.
using subscription_id = std::uint64_t;

/// Why a subscription was refused or ended (FEATURES 13.1, the codes that
/// apply to streams).
enum class close_code : std::uint32_t {
  different_network = 101,
  /// The consumer unsubscribed (its handle closed, or the producer no
  /// longer passes its `require`).
  cancelled = 102,
  graceful_shutdown = 204,
  /// Malformed or out-of-protocol message (a batch beyond the credit, ...).
  protocol_violation = 400,
  unknown_peer = 401,
  not_allowed = 10403,
  stream_not_found = 10404,
  too_slow = 10413,
  no_capacity = 10509,
};

std::string_view to_string(close_code c);
/// Known values only; the decoder refuses others.
bool is_known(close_code c);

/// Bounds the decoder enforces (and the producer keeps under when it
/// forms batches).
inline constexpr std::size_t max_batch_datums = 4096;
inline constexpr std::size_t max_datum_bytes = 8u << 20;
inline constexpr std::size_t max_close_detail = 1024;
/// Byte credit a subscription holds at most (grants beyond are clamped), so
/// the signed count of both sides never overflows.
inline constexpr std::uint64_t max_credit_bytes = std::uint64_t{1} << 62;

/// Which datums the consumer wants. Kept in the wire format for later; it
/// matches every datum for now (FEATURES 5.4).
struct criteria {
  bool matches(const bytes&) const { return true; }
  friend bool operator==(const criteria&, const criteria&) = default;
};

struct subscribe {
  subscription_id sub = 0;
  network_id network;
  stream_id stream;
  criteria wanted;
  /// Datums the producer may send before the first credit message.
  std::uint64_t initial_credit = 0;
  /// Payload bytes it may send before the first credit message; none: the
  /// consumer counts datums only (what an older consumer sends).
  std::optional<std::uint64_t> initial_credit_bytes = std::nullopt;
  friend bool operator==(const subscribe&, const subscribe&) = default;
};

struct accepted {
  subscription_id sub = 0;
  /// The producer's incarnation.
  std::uint64_t epoch = 0;
  /// The sequence number the next datum of the fan-out will carry.
  std::uint64_t next_seq = 1;
  friend bool operator==(const accepted&, const accepted&) = default;
};

/// Consecutive datums first_seq, first_seq + 1, ...; never empty.
struct batch {
  subscription_id sub = 0;
  std::uint64_t first_seq = 1;
  std::vector<shared_datum> datums;
  std::size_t payload_bytes() const;
  /// Compares the datums' bytes, not the pointers.
  friend bool operator==(const batch& a, const batch& b);
};

/// The consumer grants `datums` more datums and, when it counts bytes too,
/// `bytes` more payload bytes.
///
/// Byte credit: a datum may go while the subscription's byte credit is
/// positive, and takes its size off it, so the credit can go below zero by
/// less than one datum (a datum larger than the whole window still
/// travels). Both sides count it the same way, datum by datum in order;
/// the consumer's grants make up what was overdrawn. In flight and not yet
/// consumed stay within the window plus one datum.
struct credit {
  subscription_id sub = 0;
  std::uint64_t datums = 0;
  std::uint64_t bytes = 0;
  friend bool operator==(const credit&, const credit&) = default;
};

/// Producer -> consumer: the subscription is refused or ended.
struct stream_close {
  subscription_id sub = 0;
  close_code code = close_code::protocol_violation;
  std::string detail;
  friend bool operator==(const stream_close&, const stream_close&) = default;
};

/// Consumer -> producer: the consumer ends the subscription.
struct unsubscribe {
  subscription_id sub = 0;
  close_code code = close_code::cancelled;
  std::string detail;
  friend bool operator==(const unsubscribe&, const unsubscribe&) = default;
};

using stream_message = std::variant<subscribe, accepted, batch, credit, stream_close, unsubscribe>;

/// Whether the message is for the producer's side of the stream (subscribe,
/// credit, unsubscribe) or the consumer's (accepted, batch, close): a node
/// that both produces and consumes one stream routes on it.
bool to_producer(const stream_message& m);

std::string_view kind_name(const stream_message& m);

/// Datums a consumer did not get from one producer, and why.
enum class gap_cause : std::uint8_t {
  /// The producer dropped them from this consumer's full queue.
  lagging,
  /// They were sent while this consumer was not subscribed.
  reconnect,
  /// The producer restarted: `missing` counts the new incarnation's datums
  /// before the subscription; what the old one sent after the last datum
  /// seen cannot be known.
  restart,
};

std::string_view to_string(gap_cause c);

struct gap {
  peer_id producer;
  /// The first sequence number missing (in the producer's current epoch).
  std::uint64_t first_missing = 0;
  std::uint64_t missing = 0;
  gap_cause cause = gap_cause::lagging;
  friend bool operator==(const gap&, const gap&) = default;
};

} // namespace mosaik::streams
