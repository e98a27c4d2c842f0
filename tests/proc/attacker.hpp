#pragma once
// The attacker of the attack suite: blocking TCP sockets to a real node from
// a chosen loopback source address (127.0.0.2, ...), driven byte by byte,
// and the link protocol spoken by hand over them. Once a handshake (which
// anyone can run with a throw-away key) gave keys, records are sealed and
// opened with the node's own pure classes; nothing else of the node is used.

#include "actors/core/ids/keys.hpp"
#include "actors/core/link/aead.hpp"
#include "actors/core/link/handshake.hpp"
#include "actors/core/link/record_reader.hpp"
#include "actors/core/wire/frame.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace mosaik::test {

/// One TCP socket; closed when destroyed.
class raw_socket {
public:
  /// From `source` (bound before connect, any port) to 127.0.0.1:`port`;
  /// nullopt when the connect fails.
  static std::optional<raw_socket> connect(const std::string& source, std::uint16_t port);

  explicit raw_socket(int fd) : fd_(fd) {}
  raw_socket(raw_socket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  raw_socket& operator=(raw_socket&& other) noexcept;
  raw_socket(const raw_socket&) = delete;
  raw_socket& operator=(const raw_socket&) = delete;
  ~raw_socket();

  int fd() const { return fd_; }
  /// Writes all of `data`; false once the peer closed or reset.
  bool send(byte_view data);
  /// Appends what arrives within `timeout` (at most `max` bytes) to `out`;
  /// false at EOF or on an error, true otherwise (also when nothing came).
  bool receive(bytes& out, std::chrono::milliseconds timeout, std::size_t max = 64 * 1024);
  /// Discards what can be read now; false at EOF or on an error.
  bool drain();
  /// Reads and discards until the peer closes; true when it did within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout);
  /// Closes with a reset (SO_LINGER 0) instead of a FIN.
  void reset();

private:
  int fd_ = -1;
};

/// A stranger's identity: `key`'s id on `network`, no listen port.
link::local_identity stranger(const secret_key& key, const std::string& network,
                              wire::role role = wire::role::node);

/// The link protocol over a raw_socket, by hand.
class hand_link {
public:
  explicit hand_link(raw_socket s) : sock_(std::move(s)) {}

  raw_socket& socket() { return sock_; }
  /// The record write_frame(f) would send (once sealing, this uses up a
  /// counter value all the same).
  bytes record_of(const wire::frame& f);
  bool write_frame(const wire::frame& f) { return sock_.send(record_of(f)); }
  /// The next frame within `timeout`: opened once the node's proof verified;
  /// nullopt at the deadline, at EOF, or for a record that does not open or decode.
  std::optional<wire::frame> read_frame(std::chrono::milliseconds timeout);
  /// The dialer's side of the handshake announcing `me`, our proof signed
  /// with `key` (which need not be `me`'s) and followed in the same write by
  /// `after_proof`; true when the node's proof verified, after which records
  /// are sealed both ways.
  bool handshake(const secret_key& key, const link::local_identity& me, byte_view after_proof = {},
                 std::chrono::milliseconds timeout = std::chrono::seconds{2});

private:
  raw_socket sock_;
  bytes inbox_;
  link::record_reader reader_{(16u << 20) + link::aead_overhead};
  std::optional<link::aead_sealer> tx_;
  std::optional<link::aead_opener> rx_;
};

/// `f` as a plaintext record (what is sent before a handshake).
bytes plain_record(const wire::frame& f);

/// A plaintext hello record announcing `me`, with a fresh nonce and
/// ephemeral key: the first record of a handshake.
bytes hello_record(const link::local_identity& me);

/// A hand_link from `source` to 127.0.0.1:`port` that completed a handshake
/// as a node with `key`; nullopt when the node refused (or closed).
std::optional<hand_link> linked_stranger(const std::string& source, std::uint16_t port,
                                         const secret_key& key, const std::string& network);

} // namespace mosaik::test
