#include "actors/node/status_client.hpp"

#include "actors/core/link/handshake.hpp"
#include "actors/core/link/peer_address.hpp"
#include "actors/transport/frame_msg.hpp"
#include "schemas/codec/frame_codec.hpp"
#include "schemas/codec/handshake_codec.hpp"
#include "schemas/codec/status_codec.hpp"

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <sodium.h>

namespace mosaik::node {

namespace {

using result_t = expected<wire::node_status, std::string>;
using clock = std::chrono::steady_clock;

class exchange {
public:
  exchange(caf::actor_system& sys, const status_query& q)
    : sys_(sys), q_(q), self_(sys), deadline_(clock::now() + q.timeout) {}

  result_t run() {
    auto remote = connect();
    if (!remote)
      return unexpected{remote.error()};
    auto key = secret_key::generate();
    wire::nonce n;
    randombytes_buf(n.data(), n.size());
    std::array<std::uint8_t, 32> ephemeral_seed;
    randombytes_buf(ephemeral_seed.data(), ephemeral_seed.size());
    link::local_identity me{network_id::from(q_.network), key.public_id(), {}, wire::role::client};
    link::handshake hs{link::side::dialer, me, n, ephemeral_seed};
    link::replay_guard guard{4};
    auto hello = ask(*remote, {wire::frame_kind::hello, 0, codec::encode_hello(hs.local_hello())},
                     wire::frame_kind::hello);
    if (!hello)
      return unexpected{hello.error()};
    auto theirs = codec::decode_hello(hello->payload);
    if (!theirs)
      return unexpected{where() + " sent an undecodable hello"};
    if (auto err = hs.receive_hello(*theirs, guard))
      return unexpected{where() + ": handshake failed: " + std::string{wire::to_string(*err)}};
    auto proof = ask(*remote, {wire::frame_kind::proof, 0, codec::encode_proof(hs.make_proof(key))},
                     wire::frame_kind::proof);
    if (!proof)
      return unexpected{proof.error()};
    auto p = codec::decode_proof(proof->payload);
    if (!p || hs.receive_proof(*p))
      return unexpected{where() + ": the node's proof does not verify"};
    auto status = ask(*remote, {wire::frame_kind::status, 0, {}}, wire::frame_kind::status);
    if (!status)
      return unexpected{status.error()};
    auto s = codec::decode_status(status->payload);
    if (!s)
      return unexpected{where() + " sent an undecodable status: " + s.error().detail};
    return *s;
  }

private:
  std::string where() const { return link::to_string(q_.address); }

  caf::timespan remaining() const {
    return std::max<caf::timespan>(caf::timespan{1}, deadline_ - clock::now());
  }

  std::string describe(const caf::error& err) const {
    if (err == caf::sec::request_timeout)
      return "no answer within " + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(q_.timeout).count()) + " ms";
    return sys_.render(err);
  }

  expected<caf::actor, std::string> connect() {
    expected<caf::actor, std::string> result = unexpected{std::string{"no reply"}};
    self_->request(sys_.middleman().actor_handle(), remaining(), caf::connect_atom::value,
                   q_.address.host, q_.address.port)
      .receive(
        [&](caf::node_id&, caf::strong_actor_ptr& p, std::set<std::string>&) {
          if (p)
            result = caf::actor_cast<caf::actor>(p);
          else
            result = unexpected{"nothing is published at " + where()};
        },
        [&](caf::error& err) { result = unexpected{"cannot reach " + where() + ": " + describe(err)}; });
    return result;
  }

  expected<wire::frame, std::string> ask(const caf::actor& remote, const wire::frame& f,
                                         wire::frame_kind expected_kind) {
    expected<wire::frame, std::string> result = unexpected{std::string{"no reply"}};
    self_->request(remote, remaining(), transport::to_msg(f))
      .receive(
        [&](transport::frame_msg& m) {
          auto data = m.view();
          auto reply = codec::decode_frame(data);
          if (!reply) {
            result = unexpected{where() + " sent an undecodable frame"};
          } else if (reply->kind == wire::frame_kind::close) {
            auto c = codec::decode_close(reply->payload);
            result = unexpected{where() + " refused the handshake: "
                                + (c ? std::string{wire::to_string(c->reason)} + " (" + c->detail + ")"
                                     : std::string{"undecodable close"})};
          } else if (reply->kind != expected_kind) {
            result = unexpected{where() + " answered with an unexpected frame"};
          } else {
            result = std::move(*reply);
          }
        },
        [&](caf::error& err) { result = unexpected{where() + ": " + describe(err)}; });
    return result;
  }

  caf::actor_system& sys_;
  status_query q_;
  caf::scoped_actor self_;
  clock::time_point deadline_;
};

} // namespace

expected<wire::node_status, std::string> query_status(caf::actor_system& sys, const status_query& q) {
  return exchange{sys, q}.run();
}

} // namespace mosaik::node
