// `mosaik status` over the link protocol: a short-lived broker connects,
// runs the handshake with a throw-away identity in the client role, sends
// one sealed status request and reads one sealed answer. Every record it
// reads is checked against a cap before its body is buffered, and the
// deadline covers the whole exchange, connect included.
#include "actors/node/status_client.hpp"

#include "actors/core/link/aead.hpp"
#include "actors/core/link/handshake.hpp"
#include "actors/core/link/peer_address.hpp"
#include "actors/core/link/record_reader.hpp"
#include "actors/transport/tcp_connect.hpp"
#include "schemas/codec/frame_codec.hpp"
#include "schemas/codec/frame_record.hpp"
#include "schemas/codec/handshake_codec.hpp"
#include "schemas/codec/status_codec.hpp"

#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/receive_policy.hpp>
#include <caf/scoped_actor.hpp>

#include <sodium.h>


namespace mosaik::node {

namespace {

using result_t = expected<wire::node_status, std::string>;

/// What the broker hands back: one result, then it quits.
struct status_outcome {
  std::shared_ptr<result_t> result;
};
struct exchange_deadline {};

/// The largest answer accepted: what a status reader decodes at most.
constexpr std::size_t max_answer = codec::decode_limits{}.max_bytes + link::aead_overhead;
constexpr std::size_t handshake_cap = 4096;

struct exchange {
  status_query q;
  caf::actor requester;
  caf::io::connection_handle conn;
  secret_key key = secret_key::generate();
  link::replay_guard guard{4};
  std::optional<link::handshake> hs;
  std::optional<link::aead_sealer> tx;
  std::optional<link::aead_opener> rx;
  link::record_reader reader{handshake_cap};
  bool done = false;

  std::string where() const { return link::to_string(q.address); }
};

wire::nonce random_nonce() {
  wire::nonce n;
  randombytes_buf(n.data(), n.size());
  return n;
}

void finish(caf::io::broker* self, exchange& x, result_t r) {
  if (x.done)
    return;
  x.done = true;
  self->send(x.requester, status_outcome{std::make_shared<result_t>(std::move(r))});
  self->quit();
}

void write(caf::io::broker* self, exchange& x, const wire::frame& f) {
  codec::append_frame_record(self->wr_buf(x.conn), f, x.tx ? &*x.tx : nullptr);
  self->flush(x.conn);
}

std::string refusal(const exchange& x, const wire::frame& f) {
  auto c = codec::decode_close(f.payload);
  return x.where() + " refused the handshake: "
         + (c ? std::string{wire::to_string(c->reason)} + " (" + c->detail + ")"
              : std::string{"undecodable close"});
}

/// One record of the node's: its hello, its proof, then the answer.
std::optional<result_t> on_record(caf::io::broker* self, exchange& x, bytes body) {
  if (x.rx && !x.rx->open_in_place(body))
    return result_t{unexpected{x.where() + " sent a record that does not authenticate"}};
  auto f = codec::decode_frame_in_place(std::move(body));
  if (!f)
    return result_t{unexpected{x.where() + " sent an undecodable frame"}};
  if (f->kind == wire::frame_kind::close)
    return result_t{unexpected{refusal(x, *f)}};
  using state = link::handshake::state;
  if (f->kind == wire::frame_kind::hello && x.hs->current() == state::awaiting_hello) {
    auto theirs = codec::decode_hello(f->payload);
    if (!theirs)
      return result_t{unexpected{x.where() + " sent an undecodable hello"}};
    if (auto err = x.hs->receive_hello(*theirs, x.guard))
      return result_t{unexpected{x.where() + ": handshake failed: " + std::string{wire::to_string(*err)}}};
    write(self, x, {wire::frame_kind::proof, 0, codec::encode_proof(x.hs->make_proof(x.key)), {}});
    x.tx.emplace(x.hs->session().chosen, x.hs->session().tx);
    return std::nullopt;
  }
  if (f->kind == wire::frame_kind::proof && x.hs->current() == state::awaiting_proof) {
    if (auto p = codec::decode_proof(f->payload); !p || x.hs->receive_proof(*p))
      return result_t{unexpected{x.where() + ": the node's proof does not verify"}};
    x.rx.emplace(x.hs->session().chosen, x.hs->session().rx);
    x.reader.set_max_body(max_answer);
    write(self, x, {wire::frame_kind::status, 0, {}, {}});
    return std::nullopt;
  }
  if (f->kind == wire::frame_kind::status && x.rx) {
    auto s = codec::decode_status(f->payload);
    if (!s)
      return result_t{unexpected{x.where() + " sent an undecodable status: " + s.error().detail}};
    return result_t{std::move(*s)};
  }
  return result_t{unexpected{x.where() + " answered with an unexpected frame"}};
}

void on_data(caf::io::broker* self, exchange& x, byte_view chunk) {
  x.reader.feed(chunk);
  while (!x.done) {
    auto next = x.reader.next();
    if (!next)
      return finish(self, x, unexpected{x.where() + " announced a record of "
                                        + std::to_string(next.error().declared) + " bytes"});
    if (!*next)
      return;
    if (auto r = on_record(self, x, std::move(**next)))
      return finish(self, x, std::move(*r));
  }
}

caf::behavior client(caf::io::broker* self, std::shared_ptr<exchange> x) {
  auto conn = transport::connect_tcp(self, x->q.address.host, x->q.address.port);
  if (!conn) {
    finish(self, *x, unexpected{"cannot reach " + x->where() + ": " + self->system().render(conn.error())});
    return {};
  }
  x->conn = *conn;
  link::local_identity me{network_id::from(x->q.network), x->key.public_id(), {}, wire::role::client};
  x->hs.emplace(link::side::dialer, me, random_nonce(), random_nonce());
  self->configure_read(x->conn, caf::io::receive_policy::at_most(64 * 1024));
  write(self, *x, {wire::frame_kind::hello, 0, codec::encode_hello(x->hs->local_hello()), {}});
  self->delayed_send(self, x->q.timeout, exchange_deadline{});
  return {
    [=](const caf::io::new_data_msg& m) {
      on_data(self, *x, {reinterpret_cast<const std::uint8_t*>(m.buf.data()), m.buf.size()});
    },
    [=](const caf::io::connection_closed_msg&) {
      // The connect runs in the background: a refusal arrives as a close
      // before the node said anything.
      if (x->hs->current() == link::handshake::state::awaiting_hello)
        return finish(self, *x, unexpected{"cannot reach " + x->where() + ": connection refused or closed"});
      finish(self, *x, unexpected{x->where() + " closed the connection"});
    },
    [=](exchange_deadline) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(x->q.timeout).count();
      finish(self, *x, unexpected{x->where() + ": no answer within " + std::to_string(ms) + " ms"});
    },
  };
}

} // namespace

} // namespace mosaik::node

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::status_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::node::exchange_deadline)

namespace mosaik::node {

expected<wire::node_status, std::string> query_status(caf::actor_system& sys, const status_query& q) {
  caf::scoped_actor self{sys};
  auto x = std::make_shared<exchange>();
  x->q = q;
  x->requester = caf::actor{self};
  sys.middleman().spawn_broker(client, x);
  result_t out = unexpected{std::string{"no answer"}};
  // The broker's own deadline answers first; this bound only guards against
  // a broker that never ran.
  self->receive([&](const status_outcome& o) { out = std::move(*o.result); },
                caf::after(q.timeout + std::chrono::seconds{1}) >> [&] {
                  out = unexpected{link::to_string(q.address) + ": no answer"};
                });
  return out;
}

} // namespace mosaik::node
