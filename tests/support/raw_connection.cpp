#include "tests/support/raw_connection.hpp"

#include "schemas/codec/frame_codec.hpp"
#include "schemas/codec/handshake_codec.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/receive_policy.hpp>
#include <caf/send.hpp>

namespace mosaik::test {

struct raw_write {
  bytes data;
};

} // namespace mosaik::test

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::test::raw_write)

namespace mosaik::test {

namespace {

/// The far end of a raw_connection: moves bytes, nothing else.
caf::behavior raw_broker(caf::io::broker* self, std::string host, std::uint16_t port,
                         std::shared_ptr<raw_inbox> inbox) {
  auto conn = self->add_tcp_scribe(host, port);
  if (!conn) {
    inbox->closed = true;
    return {};
  }
  self->configure_read(*conn, caf::io::receive_policy::at_most(64 * 1024));
  auto hdl = *conn;
  return {
    [=](const caf::io::new_data_msg& m) {
      inbox->data.insert(inbox->data.end(), m.buf.begin(), m.buf.end());
    },
    [=](const caf::io::connection_closed_msg&) { inbox->closed = true; },
    [=](raw_write& w) {
      auto& buf = self->wr_buf(hdl);
      buf.insert(buf.end(), w.data.begin(), w.data.end());
      self->flush(hdl);
    },
  };
}

} // namespace

raw_connection connect_raw(caf::actor_system& sys, const std::string& host, std::uint16_t port,
                           std::function<void()> run) {
  auto inbox = std::make_shared<raw_inbox>();
  auto broker = sys.middleman().spawn_broker(raw_broker, host, port, inbox);
  return raw_connection{broker, inbox, std::move(run)};
}

raw_connection::raw_connection(caf::actor broker, std::shared_ptr<raw_inbox> inbox,
                               std::function<void()> run)
  : broker_(std::move(broker)), inbox_(std::move(inbox)), run_(std::move(run)) {}

void raw_connection::write(bytes data) {
  caf::anon_send(broker_, raw_write{std::move(data)});
  run_();
}

void raw_connection::write_frame(const wire::frame& f) {
  write(record_of(f));
}

bytes raw_connection::record_of(const wire::frame& f) {
  return record_of(codec::encode_frame(f));
}

bytes raw_connection::record_of(byte_view plain) {
  bytes out(link::record_header_size + plain.size() + (tx_ ? link::aead_overhead : 0));
  if (tx_) {
    tx_->seal_record(plain, out.data());
  } else {
    link::write_record_header(out.data(), static_cast<std::uint32_t>(plain.size()));
    std::copy(plain.begin(), plain.end(), out.begin() + link::record_header_size);
  }
  return out;
}

std::vector<wire::frame> raw_connection::read_frames(std::size_t limit) {
  reader_.feed(inbox_->data);
  inbox_->data.clear();
  std::vector<wire::frame> out;
  while (out.size() < limit) {
    auto next = reader_.next();
    if (!next || !*next)
      return out;
    auto body = std::move(**next);
    if (rx_) {
      auto plain = rx_->open(body);
      if (!plain)
        return out;
      body = std::move(*plain);
    }
    auto f = codec::decode_frame(body);
    if (!f)
      return out;
    out.push_back(std::move(*f));
  }
  return out;
}

bool raw_connection::handshake(const secret_key& key, const std::string& network,
                               std::uint8_t nonce_fill, wire::role role) {
  wire::nonce nonce;
  nonce.fill(nonce_fill);
  wire::nonce ephemeral;
  ephemeral.fill(static_cast<std::uint8_t>(nonce_fill ^ 0xa5));
  link::local_identity me{network_id::from(network), key.public_id(), {"raw", 1}, role};
  link::handshake hs{link::side::dialer, me, nonce, ephemeral};
  link::replay_guard guard{4};
  write_frame({wire::frame_kind::hello, 0, codec::encode_hello(hs.local_hello()), {}});
  auto replies = read_frames(1);
  if (replies.size() != 1 || replies[0].kind != wire::frame_kind::hello)
    return false;
  auto theirs = codec::decode_hello(replies[0].payload);
  if (!theirs || hs.receive_hello(*theirs, guard))
    return false;
  write_frame({wire::frame_kind::proof, 0, codec::encode_proof(hs.make_proof(key)), {}});
  auto s = hs.session();
  seal_with(s.chosen, s.tx);
  replies = read_frames(1); // sealed records may follow the proof
  if (replies.size() != 1 || replies[0].kind != wire::frame_kind::proof)
    return false;
  auto proof = codec::decode_proof(replies[0].payload);
  if (!proof || hs.receive_proof(*proof))
    return false;
  open_with(s.chosen, s.rx);
  return true;
}

} // namespace mosaik::test
