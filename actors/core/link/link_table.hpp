#pragma once
// The node's established links as a pure table, keyed by peer id: one link
// per peer, each on one connection (a number the node actor maps to its
// broker's connection), with its heartbeats, pings and RTT, sequence numbers
// and flow windows. The node actor feeds it what arrives and the heartbeat
// ticks, and carries out `take_output()`: the frames to write (sequence
// numbers assigned), the links to close, the events for subscribers.
//
// A link exists only once its handshake passed; the handshake, the records
// and their keys stay with the connection.

#include "actors/core/ids/keys.hpp"
#include "actors/core/link/flow_window.hpp"
#include "actors/core/link/heartbeat_monitor.hpp"
#include "actors/core/link/link_config.hpp"
#include "actors/core/link/rtt_estimator.hpp"
#include "actors/core/link/transcript.hpp"
#include "actors/core/wire/handshake.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mosaik::link {

using conn_key = std::int64_t; // the node actor's connection handle id

struct link_output {
  struct write {
    conn_key conn;
    wire::frame frame;
  };
  /// Close the link with this reason, telling the peer.
  struct close {
    peer_id peer;
    wire::close_reason reason;
    std::string detail;
  };
  struct rtt {
    peer_id peer;
    std::chrono::microseconds sample;
  };

  std::vector<write> writes;
  std::vector<close> closes;
  std::vector<rtt> rtts;
  std::vector<peer_id> writable; // links whose backlog drained after a refusal

  bool empty() const { return writes.empty() && closes.empty() && rtts.empty() && writable.empty(); }
};

class link_table {
public:
  struct entry {
    std::uint64_t id = 0; // unique per link, so late answers about an older one are ignored
    peer_id peer;
    conn_key conn = 0;               // the only connection the peer's frames are taken from
    wire::endpoint address;          // where the peer listens
    side our_side = side::dialer;
    heartbeat_monitor heartbeat{3};
    rtt_estimator rtt;
    std::uint64_t next_sequence = 1;
    std::map<std::uint64_t, time_point> pings; // heartbeats awaiting an ack
    send_window send{0};       // our data frames, against the peer's credit
    receive_window receive{0}; // the peer's data frames in our handlers
  };

  explicit link_table(const link_config& cfg = {});

  // -- inputs --------------------------------------------------------------
  /// A handshake passed: the link to `peer` is up (replacing none: the
  /// caller removed an older one) and grants the peer its window.
  void establish(const peer_id& peer, conn_key conn, const wire::endpoint& address, side our_side);
  /// The link ended; its entry, or nullopt when there is none.
  std::optional<entry> remove(const peer_id& peer);
  /// Something arrived on the link's connection: a sign of life.
  void heard(const peer_id& peer);
  void on_heartbeat(const peer_id& peer, std::uint64_t sequence);
  /// False when the payload is not a sequence number.
  bool on_ack(const peer_id& peer, const bytes& payload, time_point now);
  /// The peer granted credit: what waited for it goes now. False when the
  /// payload is not a byte count.
  bool on_credit(const peer_id& peer, const bytes& payload);
  /// A data frame of `cost` from the peer; false (and the link is closed)
  /// when it went past the credit the peer was given.
  bool arrived(const peer_id& peer, std::uint64_t cost);
  /// A handler finished with `cost` of link `id`: granted back, in batches.
  void consumed(const peer_id& peer, std::uint64_t id, std::uint64_t cost);
  /// One heartbeat interval passed: a heartbeat on every link, and the
  /// links silent past their budget closed.
  void tick(time_point now);
  /// A frame of ours for the peer (no flow control).
  void send(const peer_id& peer, wire::frame_kind kind, const wire::channel& channel, bytes payload);
  /// A data frame for the peer: sent if the link's credit covers it, else
  /// queued, or refused when the backlog is full (queued anyway with
  /// `past_cap`, send_window::offer).
  send_window::outcome offer(const peer_id& peer, wire::frame f, bool past_cap = false);

  link_output take_output();

  // -- queries -------------------------------------------------------------
  const entry* find(const peer_id& peer) const;
  const entry& at(const peer_id& peer) const { return links_.at(peer); }
  /// The peer whose link runs on `conn`, if one does.
  std::optional<peer_id> peer_on(conn_key conn) const;
  const std::map<peer_id, entry>& entries() const { return links_; }
  std::size_t count(const peer_id& peer) const { return links_.count(peer); }
  std::size_t size() const { return links_.size(); }
  bool empty() const { return links_.empty(); }

private:
  void send(entry& l, wire::frame_kind kind, const wire::channel& channel, bytes payload);
  void send_ready(entry& l, std::vector<wire::frame>& ready);
  void ping(entry& l, time_point now);

  link_config cfg_;
  std::map<peer_id, entry> links_;
  std::map<conn_key, peer_id> by_conn_;
  std::uint64_t next_id_ = 1;
  link_output out_;
};

} // namespace mosaik::link
