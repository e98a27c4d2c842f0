#include "tests/proc/attacker.hpp"

#include "schemas/codec/frame_codec.hpp"
#include "schemas/codec/handshake_codec.hpp"

#include <sodium.h>

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace mosaik::test {

namespace {

using std::chrono::milliseconds;
using clock_type = std::chrono::steady_clock;

sockaddr_in loopback(const std::string& host, std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, host.c_str(), &a.sin_addr);
  return a;
}

int left_ms(clock_type::time_point deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - clock_type::now()).count();
  return static_cast<int>(std::max<long long>(0, left));
}

wire::nonce random_nonce() {
  static const bool ready = sodium_init() >= 0; // idempotent; before any randomness
  (void)ready;
  wire::nonce n;
  randombytes_buf(n.data(), n.size());
  return n;
}

} // namespace

std::optional<raw_socket> raw_socket::connect(const std::string& source, std::uint16_t port) {
  raw_socket s{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (s.fd_ < 0)
    return std::nullopt;
  auto from = loopback(source, 0);
  auto to = loopback("127.0.0.1", port);
  if (::bind(s.fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0
      || ::connect(s.fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0)
    return std::nullopt;
  return s;
}

raw_socket& raw_socket::operator=(raw_socket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

raw_socket::~raw_socket() {
  if (fd_ >= 0)
    ::close(fd_);
}

bool raw_socket::send(byte_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    auto n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool raw_socket::receive(bytes& out, milliseconds timeout, std::size_t max) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0)
    return true;
  auto old = out.size();
  out.resize(old + max);
  auto n = ::recv(fd_, out.data() + old, max, 0);
  out.resize(old + static_cast<std::size_t>(std::max<ssize_t>(0, n)));
  return n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR));
}

bool raw_socket::drain() {
  std::uint8_t scratch[64 * 1024];
  for (;;) {
    auto n = ::recv(fd_, scratch, sizeof scratch, MSG_DONTWAIT);
    if (n > 0)
      continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
  }
}

bool raw_socket::closed_within(milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  do {
    if (!drain())
      return true;
    pollfd p{fd_, POLLIN, 0};
    ::poll(&p, 1, left_ms(deadline));
  } while (clock_type::now() < deadline);
  return !drain();
}

void raw_socket::reset() {
  linger l{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd_);
  fd_ = -1;
}

link::local_identity stranger(const secret_key& key, const std::string& network, wire::role role) {
  return {network_id::from(network), key.public_id(), {"127.0.0.1", 0}, role};
}

bytes plain_record(const wire::frame& f) {
  auto plain = codec::encode_frame(f);
  bytes out(link::record_header_size + plain.size());
  link::write_record_header(out.data(), static_cast<std::uint32_t>(plain.size()));
  std::copy(plain.begin(), plain.end(), out.begin() + link::record_header_size);
  return out;
}

bytes hand_link::record_of(const wire::frame& f) {
  if (!tx_)
    return plain_record(f);
  auto plain = codec::encode_frame(f);
  bytes out(link::record_header_size + plain.size() + link::aead_overhead);
  tx_->seal_record(plain, out.data());
  return out;
}

std::optional<wire::frame> hand_link::read_frame(milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  for (;;) {
    reader_.feed(inbox_);
    inbox_.clear();
    auto next = reader_.next();
    if (!next)
      return std::nullopt;
    if (*next) {
      auto body = std::move(**next);
      if (rx_) {
        auto plain = rx_->open(body);
        if (!plain)
          return std::nullopt;
        body = std::move(*plain);
      }
      auto f = codec::decode_frame(body);
      return f ? std::optional<wire::frame>{std::move(*f)} : std::nullopt;
    }
    if (clock_type::now() >= deadline || !sock_.receive(inbox_, milliseconds{left_ms(deadline)}))
      return std::nullopt;
  }
}

bool hand_link::handshake(const secret_key& key, const link::local_identity& me, byte_view after_proof,
                          milliseconds timeout) {
  link::handshake hs{link::side::dialer, me, random_nonce(), random_nonce()};
  link::replay_guard guard{4};
  if (!write_frame({wire::frame_kind::hello, 0, codec::encode_hello(hs.local_hello()), {}}))
    return false;
  auto reply = read_frame(timeout);
  if (!reply || reply->kind != wire::frame_kind::hello)
    return false;
  auto theirs = codec::decode_hello(reply->payload);
  if (!theirs || hs.receive_hello(*theirs, guard))
    return false;
  auto proof = record_of({wire::frame_kind::proof, 0, codec::encode_proof(hs.make_proof(key)), {}});
  proof.insert(proof.end(), after_proof.begin(), after_proof.end());
  if (!sock_.send(proof))
    return false;
  auto s = hs.session();
  tx_.emplace(s.chosen, s.tx);
  reply = read_frame(timeout);
  if (!reply || reply->kind != wire::frame_kind::proof)
    return false;
  auto theirs_proof = codec::decode_proof(reply->payload);
  if (!theirs_proof || hs.receive_proof(*theirs_proof))
    return false;
  rx_.emplace(s.chosen, s.rx);
  return true;
}

bytes hello_record(const link::local_identity& me) {
  link::handshake hs{link::side::dialer, me, random_nonce(), random_nonce()};
  return plain_record({wire::frame_kind::hello, 0, codec::encode_hello(hs.local_hello()), {}});
}

std::optional<hand_link> linked_stranger(const std::string& source, std::uint16_t port,
                                         const secret_key& key, const std::string& network) {
  auto s = raw_socket::connect(source, port);
  if (!s)
    return std::nullopt;
  hand_link l{std::move(*s)};
  if (!l.handshake(key, stranger(key, network)))
    return std::nullopt;
  return l;
}

} // namespace mosaik::test
