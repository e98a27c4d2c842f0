#pragma once
// The fan-out of one stream id on its producing node (FEATURES 5.2, 5.3),
// without transport: admission of subscriptions, one bounded queue and one
// credit count per subscription, batching, the lag policy and the online
// condition. The producer actor feeds it subscriptions, credits,
// unsubscribes and link losses from the stream's channel, every catalog
// change, and the datums of every producer handle (encoded once); then it
// sends what take_output() returns. It never sends by itself.
//
// Admission of a subscribe, in order: the consumer must be in the catalog
// (unknown_peer), on our network (different_network), for this stream
// (stream_not_found), within max_consumers (no_capacity) and pass
// `require` (not_allowed). Every catalog change re-checks the admitted
// ones: a consumer gone from the catalog is closed with unknown_peer, one
// that no longer passes `require` with not_allowed.
//
// try_send: closed after shutdown(); too_large over max_datum_bytes;
// offline while online_when is not met; full when no subscription has room
// in its queue, in datums (buffer_size) and bytes (buffer_bytes; a datum
// alone in a queue always fits) (nothing is queued: the caller waits and retries, so a
// single consumer gets flow control end to end, nothing lost). Otherwise
// sent: the datum takes the fan-out's next sequence number and is queued
// for every subscription with room; a subscription whose queue is full
// gets the lag policy, so a slow consumer holds back only itself:
// disconnect_lagging -> closed with too_slow; else its oldest datum is
// dropped (its next batch's first_seq shows the gap). With no subscription
// at all (online_when = minimum_of(0)) a sent datum reaches nobody; it is
// handed to the `undelivered` sink of the output when the config asks.
//
// take_output() forms the batches: for every subscription, queued datums
// go out as long as its credit lasts (datums, and bytes when the consumer
// counts them: messages.hpp `credit`), coalesced into as few batches as the
// bounds allow (max_batch_datums, max_batch_bytes). Call it when the
// actor's mailbox has no more sends waiting (or on a short timer) to get
// larger batches.

#include "actors/core/streams/channel.hpp"
#include "actors/core/streams/conditions.hpp"
#include "actors/core/streams/messages.hpp"
#include "actors/core/streams/stream_def.hpp"
#include "actors/core/streams/time.hpp"

#include <deque>
#include <map>
#include <span>
#include <utility>
#include <vector>

namespace mosaik::streams {

struct producer_config {
  network_id network;
  stream_id stream;
  producer_options options;
  /// Consumer admission; empty accepts every peer.
  peer_predicate require;
  channel_conditions online_when = subscribed();
  /// This incarnation of the producer: draw it at random on every start.
  std::uint64_t epoch = 0;
  /// Hand every sent datum that reached no subscription to the output
  /// (FEATURES 5.2 `with_undelivered_sink`).
  bool keep_undelivered = false;
};

enum class send_status : std::uint8_t { sent, offline, full, closed, too_large };
std::string_view to_string(send_status s);

struct send_outcome {
  send_status status = send_status::sent;
  /// The datum, handed back when it was not sent.
  shared_datum returned;
  /// Its sequence number when sent.
  std::uint64_t seq = 0;
};

/// A subscription this side ended or refused, for logs and metrics.
struct subscription_end {
  peer_id consumer;
  subscription_id sub = 0;
  close_code code = close_code::cancelled;
  /// The consumer ended it (unsubscribe or link loss), not this side.
  bool by_consumer = false;
  /// It was refused at admission.
  bool refused = false;
};

struct producer_output {
  std::vector<outgoing> messages;
  /// Edges of online_when, in order.
  std::vector<condition_edge> online_edges;
  std::vector<subscription_end> ended;
  /// Sent datums no subscription took (only with keep_undelivered).
  std::vector<shared_datum> undelivered;
  bool empty() const {
    return messages.empty() && online_edges.empty() && ended.empty() && undelivered.empty();
  }
};

/// FEATURES 10: mosaik.streams.producer.*.
struct producer_counters {
  std::uint64_t consumers_accepted = 0;
  std::uint64_t consumers_rejected = 0;
  std::uint64_t items_sent = 0;     // datums put into batches
  std::uint64_t bytes_sent = 0;     // their payload bytes
  std::uint64_t items_dropped = 0;  // datums a full queue could not take
  std::uint64_t batches_sent = 0;
};

/// One admitted subscription, for `consumers()` and status.
struct producer_channel {
  peer_id consumer;
  subscription_id sub = 0;
  peer_description peer;
  channel_stats stats;
  std::size_t queued = 0;
  std::size_t queued_bytes = 0;
  std::uint64_t credit = 0;
  /// Byte credit left (below zero by less than a datum); none when the
  /// consumer counts datums only.
  std::optional<std::int64_t> credit_bytes;
};

class producer_engine {
public:
  explicit producer_engine(producer_config cfg);

  // -- inputs from the stream's channel ---------------------------------------
  /// `peer`: the sender's catalog entry (nullopt when the catalog lacks it).
  void on_subscribe(const peer_id& from, const std::optional<peer_description>& peer,
                    const subscribe& s, millis now);
  void on_credit(const peer_id& from, const credit& c);
  void on_unsubscribe(const peer_id& from, const unsubscribe& u);
  /// The link to `peer` is gone: its subscriptions end (no message).
  void link_down(const peer_id& peer);
  /// Dispatches the consumer-bound kinds above; the others are ignored.
  void on_message(const peer_id& from, const std::optional<peer_description>& peer,
                  const stream_message& m, millis now);

  // -- inputs from the node ---------------------------------------------------
  /// The whole catalog after a change (fresh tags and RTTs).
  void on_catalog(std::span<const peer_description> peers);
  send_outcome try_send(shared_datum d);
  /// Closes every subscription with graceful_shutdown; later sends: closed.
  void shutdown();

  // -- output -------------------------------------------------------------------
  producer_output take_output();

  // -- state --------------------------------------------------------------------
  bool online() const { return online_.met(); }
  bool closed() const { return closed_; }
  std::size_t subscriptions() const { return subs_.size(); }
  std::vector<producer_channel> consumers() const;
  const producer_counters& counters() const { return counters_; }
  const producer_config& config() const { return cfg_; }
  /// The sequence number the next datum will take.
  std::uint64_t next_seq() const { return next_seq_; }

private:
  struct queued_datum {
    std::uint64_t seq;
    shared_datum d;
  };
  struct subscription {
    peer_description peer;
    std::deque<queued_datum> queue;
    std::size_t queued_bytes = 0;
    std::uint64_t credit = 0;
    std::optional<std::int64_t> credit_bytes;
    channel_stats stats;
  };
  using key = std::pair<peer_id, subscription_id>;

  void refuse(const peer_id& to, subscription_id sub, close_code code, std::string detail);
  void end(std::map<key, subscription>::iterator it, close_code code, std::string detail,
           bool tell);
  /// Whether `s`'s queue has room for `size` more bytes.
  bool fits(const subscription& s, std::size_t size) const;
  void pop_oldest(subscription& s);
  /// Queues `d` on a full subscription under the lag policy; false when
  /// the subscription was closed.
  bool overflow(std::map<key, subscription>::iterator it, const queued_datum& d);
  void flush(const key& k, subscription& s);
  void evaluate_online();
  void send(const peer_id& to, stream_message m);

  producer_config cfg_;
  std::map<key, subscription> subs_;
  condition_watch online_;
  std::uint64_t next_seq_ = 1;
  bool closed_ = false;
  producer_counters counters_;
  producer_output out_;
};

} // namespace mosaik::streams
