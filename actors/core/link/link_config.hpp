#pragma once
// Every default of the link layer in one place (DESIGN section 10).

#include "actors/core/link/time.hpp"

#include <cstddef>
#include <cstdint>

namespace mosaik::link {

using namespace std::chrono_literals;

/// The protocol version this build speaks: of the link and of every
/// subsystem's frames on it, so nodes whose frames would not understand
/// each other are refused at the handshake (version_mismatch) instead of
/// closing each other's streams or groups as protocol violations later.
/// 3: streams count credit in bytes too (Subscribe.countsBytes, Credit.bytes);
///    groups batch forwarded proposals and their answers (raft.capnp).
inline constexpr std::uint32_t protocol_version = 3;

struct backoff_config {
  duration initial = 250ms;  // delay before the first retry
  duration max = 30s;        // the delay never grows past this
  double multiplier = 2.0;   // growth per failed attempt
  double jitter = 0.5;       // a delay is drawn from [d * (1 - jitter), d]
};

struct misbehaviour_config {
  double threshold = 8;         // points at which a peer is disconnected and banned
  duration forgive = 10s;       // one point is forgiven per interval of good behaviour
  duration ban = 60s;           // the first ban lasts this long ...
  double ban_growth = 2.0;      // ... and each further ban this much longer
  duration max_ban = 1h;
  std::size_t capacity = 1024;  // peers tracked at most (oldest forgotten first)
};

struct link_config {
  std::uint32_t version = protocol_version;     // what we announce
  std::uint32_t min_version = protocol_version; // oldest version we accept
  duration handshake_timeout = 2s;     // both round trips must finish within this
  duration heartbeat_interval = 1s;    // a heartbeat frame per link per interval
  unsigned heartbeat_miss_budget = 3;  // silent intervals before the link is dead
  std::size_t max_pending_handshakes = 64; // incoming handshakes in flight at most
  std::size_t max_connections = 512;   // open connections at most (links, handshakes, clients)
  std::size_t max_connections_per_address = 64; // from one remote host
  std::size_t max_handshakes_per_address = 8;   // incoming handshakes in flight from one host
  std::size_t handshake_record_cap = 4096;      // largest record before the peer's proof verified
  std::size_t read_chunk = 64 * 1024;           // bytes read from a linked connection at a time
  std::size_t send_buffer_cap = 64u << 20;      // unsent bytes before a peer that does not
                                                // read is disconnected
  // A record over large_record reserves its size from the node's budget when
  // its header is read; a connection whose record does not fit is closed
  // (too_slow), so partial records on many links cannot add up unbounded.
  std::size_t large_record = 64u << 10;
  std::size_t reassembly_budget = 48u << 20;
  // Flow control (flow_window.hpp). Both hold at least one frame of the
  // largest size (16 MiB) with its envelope share.
  std::size_t receive_window = (16u << 20) + (64u << 10); // data bytes a peer may have
                                                          // in our handlers at once
  std::size_t send_backlog = (16u << 20) + (64u << 10);   // data bytes waiting for credit
                                                          // before senders are refused
  std::size_t replay_cache = 4096;     // remote nonces remembered to refuse replays
  duration departure_window = 500ms;   // how long shutdown waits for departure acks
  bool share_peers = true;             // tell new links where our other peers listen
                                       // (only without discovery, which replaces it)
  std::size_t max_learned_dials = 256; // addresses from hints and lost links we keep dialling
  unsigned max_dial_failures = 8;      // failed attempts before such an address is given up
  backoff_config reconnect;
  misbehaviour_config misbehaviour;
};

} // namespace mosaik::link
