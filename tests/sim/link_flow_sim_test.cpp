// Flow control across a link: a slow handler holds the sender back through
// its credit, the sender's backlog is bounded and says when it has room
// again, and a peer that sends past its credit loses the link.
#include "actors/core/link/flow_window.hpp"
#include "tests/support/sim_cluster.hpp"

using namespace mosaik;
using namespace std::chrono_literals;
using mosaik::node::send_outcome;
using mosaik::test::sim_cluster;
using wire::frame_kind;

namespace {

constexpr std::size_t payload = 1000;
constexpr auto cost = link::frame_cost(payload);

struct release_all {};

/// A handler that keeps every frame's answer until told to release them:
/// the frames stay "in the handler" and their credit is not granted back.
struct held_frames {
  std::vector<std::string> got;
  std::vector<caf::response_promise> held;
};

caf::behavior holding_sink(caf::event_based_actor* self, held_frames* st) {
  return {
    [=](const ::mosaik::node::frame_received& f) {
      st->got.emplace_back(f.payload.begin(), f.payload.end());
      st->held.push_back(self->make_response_promise());
    },
    [=](release_all) {
      for (auto& rp : st->held)
        rp.deliver(caf::unit);
      st->held.clear();
    },
  };
}

/// Node 1's link events, writable ones counted.
struct writable_count {
  std::size_t n = 0;
};

caf::behavior writable_watcher(caf::event_based_actor*, writable_count* w) {
  return {
    [=](const ::mosaik::node::link_writable&) { ++w->n; },
    [](const ::mosaik::node::link_event&) {},
    [](const ::mosaik::node::link_rtt&) {},
  };
}

struct flow_pair : sim_cluster {
  held_frames sink_state;
  writable_count writable;
  caf::actor sink;
  caf::actor watcher;

  flow_pair(std::uint64_t seed, std::size_t window_frames, std::size_t backlog_frames)
    : sim_cluster(2, seed) {
    for (std::size_t i = 0; i < 2; ++i)
      config(i).discovery.reset(); // its frames would share the window
    config(0).link.receive_window = window_frames * cost;
    config(1).link.send_backlog = backlog_frames * cost;
    bootstrap(1, 0);
    start_all();
    REQUIRE(run_until([&] { return linked(0, 1) && linked(1, 0); }, 5s));
    sink = (*this)[0].sys.spawn(holding_sink, &sink_state);
    caf::anon_send(node_actor(0), ::mosaik::node::register_handler{frame_kind::stream, {}, sink});
    watcher = (*this)[1].sys.spawn(writable_watcher, &writable);
    caf::anon_send(node_actor(1), ::mosaik::node::subscribe_links{watcher});
    own(sink);
    own(watcher);
    run_messages();
  }

  send_outcome offer(int i) {
    auto text = std::to_string(i);
    bytes p(payload, ' ');
    std::copy(text.begin(), text.end(), p.begin());
    send_outcome out = send_outcome::not_linked;
    // The node is a broker, run by the multiplexer: ask, run, then read the
    // answer that is waiting (a blocking receive would never see it run).
    auto answer = (*this)[1].self->request(
      node_actor(1), caf::infinite, ::mosaik::node::try_send_frame{peer(0), frame_kind::stream, {}, std::move(p)});
    run_messages();
    std::move(answer).receive([&](send_outcome o) { out = o; }, [](caf::error&) {});
    return out;
  }
};

} // namespace

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(release_all)

TEST_CASE("sim flow: a handler that does not finish holds the sender to its window and backlog") {
  flow_pair c{81, 8, 4};
  std::vector<send_outcome> outcomes;
  for (int i = 0; i < 16; ++i)
    outcomes.push_back(c.offer(i));
  // 8 frames fill the receiver's window, 4 wait in the sender's backlog,
  // the rest are refused.
  CHECK(std::count(outcomes.begin(), outcomes.end(), send_outcome::sent) == 8);
  CHECK(std::count(outcomes.begin(), outcomes.end(), send_outcome::queued) == 4);
  CHECK(std::count(outcomes.begin(), outcomes.end(), send_outcome::full) == 4);
  CHECK(c.sink_state.got.size() == 8);
  CHECK(c.state(0).links.at(c.peer(1)).receive.outstanding() == 8 * cost);
  CHECK(c.counter(1, "mosaik.network.link.frames.dropped", {{"cause", "link_full"}}) == 4);
  CHECK(c.writable.n == 0);
  // The handler finishes: credit flows back, the backlog drains in order,
  // and the sender hears it may send again.
  caf::anon_send(c.sink, release_all{});
  c.run_messages();
  REQUIRE(c.sink_state.got.size() == 12);
  for (std::size_t i = 0; i < 12; ++i)
    CHECK(c.sink_state.got[i].substr(0, std::to_string(i).size()) == std::to_string(i));
  CHECK(c.writable.n == 1);
  CHECK(c.offer(100) == send_outcome::sent);
  CHECK(c.linked(0, 1));
}

TEST_CASE("sim flow: a handler that keeps up never sees the sender wait") {
  flow_pair c{82, 8, 4};
  for (int i = 0; i < 200; ++i) {
    REQUIRE(c.offer(i) == send_outcome::sent);
    caf::anon_send(c.sink, release_all{});
    c.run_messages();
  }
  CHECK(c.sink_state.got.size() == 200);
  CHECK(c.counter(1, "mosaik.network.link.frames.dropped", {{"cause", "link_full"}}) == 0);
}

TEST_CASE("sim flow: a peer that sends past its credit loses the link") {
  sim_cluster c{2, 83};
  c.config(0).link.receive_window = 4 * cost;
  c.start(0);
  held_frames held;
  auto sink = c[0].sys.spawn(holding_sink, &held);
  c.own(sink);
  caf::anon_send(c.node_actor(0), ::mosaik::node::register_handler{frame_kind::stream, {}, sink});
  auto r = c.open_raw(1, 0);
  secret_key::seed_type s;
  s.fill(0x83);
  auto mallory = secret_key::from_seed(s);
  REQUIRE(r.handshake(mallory, "sim", 0x83));
  for (std::uint64_t i = 1; i <= 6; ++i)
    r.write_frame({frame_kind::stream, i, bytes(payload, 'x'), {}});
  CHECK(held.got.size() == 4); // what the window covered reached the handler
  CHECK(c.counter(0, "mosaik.network.link.frames.dropped", {{"cause", "over_credit"}}) == 1);
  CHECK(c.state(0).links.count(mallory.public_id()) == 0);
  CHECK(c.counter(0, "mosaik.network.link.closes.sent", {{"reason", "protocol_violation"}}) == 1);
}

TEST_CASE("sim flow: partial large records on many links share one node-wide budget") {
  sim_cluster c{2, 84};
  c.config(0).link.reassembly_budget = 200 << 10;
  c.start(0);
  auto stranger = [&](std::uint8_t fill) {
    secret_key::seed_type s;
    s.fill(fill);
    auto r = c.open_raw(1, 0);
    REQUIRE(r.handshake(secret_key::from_seed(s), "sim", fill));
    return r;
  };
  // A header announcing 150 KiB, then only part of the body.
  auto start_large = [](mosaik::test::raw_connection& r) {
    bytes partial{0x00, 0x02, 0x58, 0x00}; // 153600 bytes
    partial.resize(4 + 1000, 0x11);
    r.write(std::move(partial));
  };
  auto a = stranger(0x91);
  auto b = stranger(0x92);
  start_large(a);
  CHECK(c.state(0).reassembly_reserved == 153600);
  start_large(b); // would hold 300 KiB in all: refused
  CHECK(c.counter(0, "mosaik.network.link.reassembly.refused") == 1);
  CHECK(c.counter(0, "mosaik.network.link.closes.sent", {{"reason", "too_slow"}}) == 1);
  CHECK(c.state(0).links.size() == 1);
  // The first one gives up: its reservation goes with it, and a newcomer fits.
  auto a_peer = c.state(0).links.entries().begin()->first;
  caf::anon_send(c.node_actor(0), ::mosaik::node::ban_peer{a_peer, 1s});
  c.run_messages();
  CHECK(c.state(0).reassembly_reserved == 0);
  auto d = stranger(0x93);
  start_large(d);
  CHECK(c.state(0).reassembly_reserved == 153600);
  CHECK(c.state(0).links.size() == 1);
}

TEST_CASE("sim flow: frames that arrive together cost one answer, which returns all their credit") {
  flow_pair c{85, 8, 4};
  for (int i = 0; i < 6; ++i)
    caf::anon_send(c.node_actor(1), ::mosaik::node::send_frame{c.peer(0), frame_kind::stream, {},
                                                               bytes(payload, 'b')});
  c.run_messages(); // one write, one read: the six frames come in one chunk
  REQUIRE(c.sink_state.got.size() == 6);
  CHECK(c.sink_state.held.size() == 6);
  CHECK(std::count_if(c.sink_state.held.begin(), c.sink_state.held.end(),
                      [](const caf::response_promise& rp) { return !rp.async(); })
        == 1);
  auto& window = c.state(0).links.at(c.peer(1)).receive;
  CHECK(window.outstanding() == 6 * cost);
  caf::anon_send(c.sink, release_all{});
  c.run_messages();
  CHECK(window.outstanding() == 0);
  CHECK(c.state(1).links.at(c.peer(0)).send.credit() == 8 * cost);
}
