#pragma once
// raw_connection -- one TCP connection to a node, driven byte by byte from a
// test: what an attacker (or a hand-written peer) sends, and what the node
// answers. Records are parsed and, once a handshake gave keys, sealed and
// opened with the same pure classes the node uses; nothing else of the node
// is reused, so a test sees the wire as a stranger would.
//
//   auto r = c.open_raw(1, 0);            // from node 1's process to node 0
//   r.write_frame({frame_kind::hello, 0, codec::encode_hello(...), {}});
//   auto replies = r.read_frames();
//
// `run` (given by the cluster) delivers what is in flight after each write.

#include "actors/core/ids/keys.hpp"
#include "actors/core/link/aead.hpp"
#include "actors/core/link/handshake.hpp"
#include "actors/core/link/record_reader.hpp"
#include "actors/core/wire/frame.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mosaik::test {

/// What the connection's broker saw; shared with it.
struct raw_inbox {
  bytes data;
  bool closed = false;
};

class raw_connection {
public:
  raw_connection(caf::actor broker, std::shared_ptr<raw_inbox> inbox, std::function<void()> run);

  /// Raw bytes onto the wire.
  void write(bytes data);
  /// One record: in the clear, or sealed once seal_with() was called.
  void write_frame(const wire::frame& f);
  /// The record write_frame(f) would send, without sending it (sealing it
  /// uses up a counter value all the same).
  bytes record_of(const wire::frame& f);
  /// A record whose body is `plain` as it is (sealed once seal_with() was
  /// called): what a peer sends that is no frame at all.
  bytes record_of(byte_view plain);
  /// The complete records that arrived since the last call (at most
  /// `limit`; the rest wait), opened once open_with() was called and
  /// decoded; an undecodable one ends the list.
  std::vector<wire::frame> read_frames(std::size_t limit = SIZE_MAX);
  /// The node closed the connection (or it broke).
  bool closed() const { return inbox_->closed; }
  const caf::actor& broker() const { return broker_; }

  void seal_with(link::cipher c, const link::key256& key) { tx_.emplace(c, key); }
  void open_with(link::cipher c, const link::key256& key) { rx_.emplace(c, key); }

  /// A complete handshake as `key` (role node unless told otherwise) on
  /// network `network`; true when the node's proof verified, after which
  /// frames are sealed both ways.
  bool handshake(const secret_key& key, const std::string& network, std::uint8_t nonce_fill,
                 wire::role role = wire::role::node);

private:
  caf::actor broker_;
  std::shared_ptr<raw_inbox> inbox_;
  std::function<void()> run_;
  link::record_reader reader_{64u << 20};
  std::optional<link::aead_sealer> tx_;
  std::optional<link::aead_opener> rx_;
};

/// Connects from `sys` to `host`:`port` (on the test multiplexer: a
/// prepared connection). `run` delivers what is in flight.
raw_connection connect_raw(caf::actor_system& sys, const std::string& host, std::uint16_t port,
                           std::function<void()> run);

} // namespace mosaik::test
