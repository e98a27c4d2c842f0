#pragma once
// One consumer handle of one stream (FEATURES 5.5), without transport:
// which producers to subscribe to, the subscription handshake, reconnects
// with backoff, order and gap checks, credit back to the producers as the
// application consumes, and the online condition. The consumer actor feeds
// it every catalog change, the messages of the stream's channel (the
// producer-bound kinds), link losses, ticks and what the application
// consumed; then it carries out take_output(). It never sends by itself.
//
// Which producers: every peer of the catalog that lists the stream (but
// this node) gets one channel, at most, when it passes `require`; a peer
// without an RTT sample is probed first (rtt_probes) and decided on the
// catalog change the probe brings. After each catalog change a channel is
// dropped (unsubscribe, cancelled) when its producer left the catalog,
// stopped listing the stream or no longer passes `require`.
//
// A channel: connecting (subscribe sent; the first attempt at once) ->
// connected (accepted) -> on a close or a link loss, by FEATURES 5.5's
// table: unknown_peer -> catalog sync with the producer (catalog_syncs)
// and a retry; not_allowed, graceful_shutdown, stream_not_found,
// different_network -> terminated; any other code, a link loss or a
// handshake past handshake_timeout -> a retry after the channel's own
// backoff (a fresh one per channel, reset by the first datum after a
// connect); the backoff giving up -> terminated. A terminated channel is
// removed; a later catalog change may open a fresh one. Every attempt draws
// a fresh subscription id, and a retry first unsubscribes the previous one
// (the producer may still hold it when its end of the link never dropped).
//
// Order and loss, per producer: batches are delivered in sequence order;
// datums already delivered are dropped (counted); a batch or an accept
// past the next expected number reports a gap with its size; a new epoch
// reports a restart. A batch beyond the credit granted is a protocol
// violation (unsubscribe, terminated).
//
// Memory: per producer at most `receive_window` datums and
// `receive_window_bytes` payload bytes (plus less than one datum, the byte
// credit's overdraft: messages.hpp `credit`) are granted and not yet
// consumed (in flight or delivered), so what this consumer holds is
// bounded by producers x (receive_window_bytes + max_datum_bytes). A batch
// beyond either credit is a protocol violation. The application reports
// consumed datums and their bytes with consumed(); the credit goes back in
// one message once half a window (of datums or of bytes) has been
// consumed.

#include "actors/core/rng.hpp"
#include "actors/core/streams/backoff.hpp"
#include "actors/core/streams/channel.hpp"
#include "actors/core/streams/conditions.hpp"
#include "actors/core/streams/messages.hpp"
#include "actors/core/streams/stream_def.hpp"
#include "actors/core/streams/time.hpp"

#include <map>
#include <optional>
#include <span>
#include <vector>

namespace mosaik::streams {

/// Known mistakes the tests switch on (MOSAIK_STREAM_BUG) to prove their
/// checkers bite. Test-only: never set in a real node.
struct consumer_bugs {
  bool hide_gaps = false; // gaps are counted but never reported
};

struct consumer_config {
  network_id network;
  stream_id stream;
  /// This node (never subscribed to).
  peer_id self;
  consumer_options options;
  /// Producer eligibility; empty accepts every peer.
  peer_predicate require;
  /// Default: online at once (FEATURES 5.5).
  channel_conditions online_when = minimum_of(0);
  /// Seeds subscription ids and backoff jitter.
  std::uint64_t seed = 0;
  consumer_bugs bugs = {};
};

enum class channel_state : std::uint8_t { connecting, connected, waiting };
std::string_view to_string(channel_state s);

/// Datums of one batch, in order, for the application.
struct delivery {
  peer_id producer;
  std::uint64_t first_seq = 0;
  std::vector<shared_datum> datums;
};

/// A channel that ended or went back to waiting, for logs and metrics.
struct channel_end {
  peer_id producer;
  /// The producer's close code (nullopt: link loss, handshake timeout,
  /// dropped by this side).
  std::optional<close_code> code;
  /// Removed for good (else it retries at `retry_at`).
  bool terminated = false;
  std::optional<millis> retry_at;
};

struct consumer_output {
  std::vector<outgoing> messages;
  std::vector<delivery> deliveries;
  std::vector<gap> gaps;
  /// Peers to ping for an RTT sample (feed the result to discovery).
  std::vector<peer_id> rtt_probes;
  /// Producers that did not know this node: run a catalog sync with them.
  std::vector<peer_id> catalog_syncs;
  /// Edges of online_when, in order.
  std::vector<condition_edge> online_edges;
  std::vector<channel_end> ended;
  bool empty() const;
};

/// FEATURES 10: mosaik.streams.consumer.*.
struct consumer_counters {
  std::uint64_t items_received = 0;  // delivered to the application
  std::uint64_t bytes_received = 0;
  std::uint64_t duplicates_dropped = 0;
  std::uint64_t datums_missed = 0;   // the sum of every gap
  std::uint64_t subscribes_sent = 0;
};

struct consumer_channel {
  peer_id producer;
  subscription_id sub = 0;
  channel_state state = channel_state::connecting;
  peer_description peer;
  channel_stats stats;
  /// Granted to the producer and not yet consumed (in flight or delivered).
  std::uint64_t window_used = 0;
  /// The same in payload bytes; what is held may pass it by less than a
  /// datum (the byte credit's overdraft).
  std::uint64_t window_bytes_used = 0;
};

class consumer_engine {
public:
  explicit consumer_engine(consumer_config cfg);

  // -- inputs -----------------------------------------------------------------
  /// The whole catalog after a change.
  void on_catalog(std::span<const peer_description> peers, millis now);
  /// A message from `from` on the stream's channel (the producer's kinds:
  /// accepted, batch, stream_close; others are ignored).
  void on_message(const peer_id& from, const stream_message& m, millis now);
  /// The link to `peer` is gone.
  void link_down(const peer_id& peer, millis now);
  /// Retries and handshake timeouts due by `now`.
  void tick(millis now);
  /// The application consumed `datums` of those delivered from `producer`,
  /// `bytes` of payload in all.
  void consumed(const peer_id& producer, std::uint64_t datums, std::uint64_t bytes);
  /// Unsubscribes from every producer (cancelled); later inputs are ignored.
  void shutdown();

  // -- output -------------------------------------------------------------------
  consumer_output take_output();
  /// When tick() must run next, if anything waits.
  std::optional<millis> next_tick() const;

  // -- state --------------------------------------------------------------------
  bool online() const { return online_.met(); }
  std::vector<consumer_channel> channels() const;
  const consumer_counters& counters() const { return counters_; }
  const consumer_config& config() const { return cfg_; }

private:
  struct channel {
    subscription_id sub = 0;
    channel_state state = channel_state::connecting;
    peer_description peer;
    backoff retry;
    millis since{0};                   // when the current state began
    std::optional<millis> retry_at;    // waiting: the next attempt
    std::uint64_t credit = 0;          // the producer may still send this many
    std::int64_t credit_bytes = 0;     // ... and these bytes (below 0: overdrawn)
    bool datum_since_connect = false;
    channel_stats stats;
  };
  /// What is known of a producer across its channels (bounded in number).
  struct position {
    std::uint64_t epoch = 0;
    std::uint64_t next_seq = 1;
    bool known = false;
    std::uint64_t unconsumed = 0;  // delivered, not yet consumed
    std::uint64_t unconsumed_bytes = 0;
    std::uint64_t to_grant = 0;    // consumed (or dropped), not yet granted
  };
  using channel_map = std::map<peer_id, channel>;

  bool eligible(const peer_description& p) const;
  void open(const peer_description& p, millis now);
  void send_subscribe(const peer_id& producer, channel& c, millis now);
  void drop(channel_map::iterator it, std::string detail);
  /// After a close or failure: a retry with backoff, or terminated.
  void fail(channel_map::iterator it, std::optional<close_code> code, millis now);
  void terminate(channel_map::iterator it, std::optional<close_code> code);
  void on_accepted(const peer_id& from, const accepted& a, millis now);
  void on_batch(const peer_id& from, const batch& b, millis now);
  void on_close(const peer_id& from, const stream_close& c, millis now);
  /// The channel `from` has open for `sub`, or end(); a stale id is told
  /// to unsubscribe.
  channel_map::iterator current(const peer_id& from, subscription_id sub, bool tell_stale);
  /// Sends the consumed credit back once it reaches half a window (of
  /// datums or of bytes); the bytes granted restore the byte window.
  void grant(const peer_id& producer, position& pos);
  position& position_of(const peer_id& producer);
  /// Re-evaluates online_when when the connected channels changed.
  void evaluate_online();
  void send(const peer_id& to, stream_message m);
  /// Reports (and counts) datums this consumer will never get.
  void report(gap g);

  consumer_config cfg_;
  rng rng_;
  channel_map channels_;
  std::map<peer_id, position> positions_;
  std::map<peer_id, millis> probed_;
  condition_watch online_;
  /// The connected channels or their peers changed since the last evaluation.
  bool reevaluate_ = true;
  bool closed_ = false;
  consumer_counters counters_;
  consumer_output out_;
};

} // namespace mosaik::streams
