#pragma once
// Shared by the parts of mosaik_bench_link: the echo protocol every path
// speaks, the raw-socket floor, the in-process AEAD figures and the actors
// of the link and CAF BASP paths.
//
// Byte 0 of every payload says what the echo does with it: 'P' send it back,
// 'T' count it, 'E' answer with the count since the last 'E' ('C' then the
// count as a u64 in host order: both ends are on this machine).

#include "actors/core/ids/keys.hpp"
#include "actors/core/link/aead.hpp"
#include "actors/node/node_api.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mosaik::bench {

constexpr char ping = 'P';
constexpr char through = 'T';
constexpr char end_mark = 'E';

/// The echo's answer to an end mark.
std::vector<std::uint8_t> count_reply(std::uint64_t count);

/// The count in an answer to an end mark; nullopt if it is not one.
std::optional<std::uint64_t> read_count_reply(const std::uint8_t* data, std::size_t size);

/// A payload of `size` bytes (at least 1) starting with `what`.
template <class Bytes>
Bytes payload(char what, std::size_t size) {
  Bytes p(std::max<std::size_t>(size, 1), 'x');
  p[0] = static_cast<typename Bytes::value_type>(what);
  return p;
}

/// One burst of one-way frames, timed until the echo's count came back.
struct burst_result {
  double us = 0;
  std::uint64_t counted = 0; // what the echo counted; less than sent: lost
};

// --- raw TCP (link_bench_raw.cpp): blocking sockets, TCP_NODELAY, records
// with the link's 4-byte big-endian length prefix, no encryption.

/// A socket listening on 127.0.0.1 at a free port.
struct raw_listener {
  int fd = -1;
  std::uint16_t port = 0;
};
std::optional<raw_listener> raw_listen();

/// Accepts one connection on `l` and echoes it until it closes.
void raw_serve(raw_listener l);

/// Reads records from a socket in chunks of up to 256 KiB and hands them
/// out one by one.
class raw_records {
public:
  explicit raw_records(int fd) : fd_(fd) {}
  /// The next record's body; nullopt once the peer closed.
  std::optional<std::vector<std::uint8_t>> next();

private:
  bool fill();

  int fd_;
  std::vector<std::uint8_t> buf_;
  std::size_t offset_ = 0; // start of what next() has not returned
};

class raw_client {
public:
  /// Connects to 127.0.0.1:port; fd() < 0 when that failed.
  explicit raw_client(std::uint16_t port);
  ~raw_client();
  raw_client(const raw_client&) = delete;
  raw_client& operator=(const raw_client&) = delete;

  int fd() const { return fd_; }
  /// Microseconds for one ping of `size` bytes and its echo; nullopt when
  /// the echo closed.
  std::optional<double> round_trip(std::size_t size);
  /// `frames` one-way records of `size` bytes, written in 64 KiB batches,
  /// then an end mark; timed until the count came back (nullopt: closed).
  std::optional<burst_result> burst(std::size_t size, int frames);

private:
  int fd_ = -1;
  raw_records in_;
};

// --- AEAD alone (link_bench_aead.cpp), in this process, one core, in CPU time.

struct aead_figures {
  link::cipher cipher;
  // 64 KiB records: plaintext MB (1e6 B) per CPU second
  double mb_per_s = 0;      // sealed, then opened
  double seal_mb_per_s = 0; // sealing alone (what one sending node does)
  double open_mb_per_s = 0; // opening alone (what one receiving node does)
  double ns_per_small = 0;  // CPU ns to seal, then open, one 128 B record
};

/// Every cipher this machine runs, the one links pick first.
std::vector<aead_figures> measure_aead();

std::string cipher_name(link::cipher c);

// --- the actor paths (link_bench_actors.cpp)

enum class path { link, basp };

/// What the driver is asked to time; it answers a double (microseconds) to
/// a round trip and a burst_result to a burst.
struct round_trip_cmd {
  path via;
  std::size_t size;
};
struct burst_cmd {
  path via;
  std::size_t size;
  int frames;
};

/// The server's echo: link frames from `node` and BASP messages alike.
caf::behavior echo(caf::event_based_actor* self, ::mosaik::node::node_handle node);

/// Where the driver sends: its node (to `server`) and the proxy of the
/// server's published echo actor.
struct targets {
  ::mosaik::node::node_handle node;
  peer_id server;
  caf::actor basp_echo;
};

/// The client's sender and timer, an event-based actor as every real user
/// of links is; it must be registered as the node's stream handler.
caf::behavior driver(caf::event_based_actor* self, targets to);

} // namespace mosaik::bench

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::bench::round_trip_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::bench::burst_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::bench::burst_result)
