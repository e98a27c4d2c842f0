// The network supervisor's protocols: a shutdown runs its phases in order
// (groups, discovery, links), each bounded by the departure window, and a
// status answer holds every contributor's part that came in time (the
// groups' too, by group id).
#include "tests/support/sim_cluster.hpp"

#include "actors/network/network_api.hpp"
#include "schemas/codec/status_codec.hpp"

#include <caf/event_based_actor.hpp>

using namespace mosaik;
using namespace std::chrono_literals;
using mosaik::test::sim_cluster;

namespace {

/// Whether a typed handle of type Handle takes a message made of Ts (what
/// CAF's send checks at compile time).
template <class Handle, class... Ts>
constexpr bool takes = caf::response_type_unbox<caf::signatures_of_t<Handle>,
                                                caf::detail::type_list<Ts...>>::valid;

static_assert(takes<node::node_handle, node::send_frame>);
static_assert(!takes<node::node_handle, std::string>);
static_assert(!takes<node::node_handle, discovery::add_tags>);
static_assert(takes<discovery::discovery_handle, discovery::add_tags>);
static_assert(!takes<discovery::discovery_handle, node::send_frame>);
static_assert(takes<net::network_handle, net::shutdown>);
static_assert(!takes<net::network_handle, node::shutdown>);

/// Answers every request it gets, never: its promises are kept, not broken.
caf::behavior silent(caf::event_based_actor* self, std::shared_ptr<std::vector<caf::response_promise>> kept) {
  return {
    [=](node::depart) -> caf::result<bool> {
      kept->push_back(self->make_response_promise());
      return caf::delegated<bool>{};
    },
    [=](node::contribute_status) -> caf::result<node::status_part> {
      kept->push_back(self->make_response_promise());
      return caf::delegated<node::status_part>{};
    },
  };
}

/// Two linked nodes whose discovery catalogs hold each other.
void start_pair(sim_cluster& c, std::shared_ptr<metrics::registry> registry_of_1) {
  c.config(1).metrics = std::move(registry_of_1);
  c.bootstrap(1, 0);
  c.start_all();
  REQUIRE(c.run_until([&] { return c.linked(0, 1) && c.linked(1, 0) && c.catalogs_converged(); }, 10s));
}

template <class T>
std::optional<T> reply(caf::scoped_actor& self) {
  std::optional<T> got;
  self->receive([&](T& r) { got = std::move(r); }, caf::after(std::chrono::seconds{0}) >> [] {});
  return got;
}

/// A contributor whose part of the status is `groups`.
caf::behavior reporting(caf::event_based_actor*, std::vector<wire::group_status> groups) {
  return {[=](node::contribute_status) { return node::status_part{{}, {}, groups, {}}; }};
}

/// Registers one contributor per part with node 0, then asks for its status.
std::optional<wire::node_status> status_with(sim_cluster& c, std::vector<std::vector<wire::group_status>> parts) {
  for (auto& groups : parts) {
    auto contributor = c[0].sys.spawn(reporting, std::move(groups));
    c.own(contributor);
    caf::anon_send(c.node_actor(0), node::add_status_contributor{contributor});
  }
  c.run_messages();
  c[0].self->send(c.supervisor_actor(0), net::get_status{});
  c.run_messages();
  return reply<wire::node_status>(c[0].self);
}

peer_id filled_peer(std::uint8_t fill) {
  peer_id::array_type raw;
  raw.fill(fill);
  return peer_id{raw};
}

void add_departure(sim_cluster& c, std::size_t i, node::departure_phase phase, caf::actor step) {
  caf::anon_send(c.supervisor_actor(i), net::add_departure{phase, step});
  c.own(std::move(step));
  c.run_messages();
}

} // namespace

TEST_CASE("sim network: a shutdown runs the groups steps then the discovery steps then the links") {
  sim_cluster c{2, 71};
  auto registry = std::make_shared<metrics::registry>(metrics::network_labels(network_id::from("sim")));
  start_pair(c, registry);
  auto order = std::make_shared<std::vector<std::string>>();
  // Each step notes its phase and how many links node 1 still had then.
  auto step = [&](const std::string& name) {
    return c[1].sys.spawn([order, name, &c](caf::event_based_actor*) -> caf::behavior {
      return {[=, &c](node::depart) {
        order->push_back(name + " " + std::to_string(c.link_count(1)));
        return true;
      }};
    });
  };
  add_departure(c, 1, node::departure_phase::discovery, step("discovery"));
  add_departure(c, 1, node::departure_phase::groups, step("groups"));
  add_departure(c, 1, node::departure_phase::links, step("links")); // refused: the node's phase
  c[1].self->send(c.supervisor_actor(1), net::shutdown{});
  c.run(2s);
  CHECK(reply<bool>(c[1].self) == true);
  CHECK(*order == std::vector<std::string>{"groups 1", "discovery 1"});
  // Discovery's departure went out before the link closed with `departing`.
  CHECK(c.state(0).metrics->value("mosaik.discovery.peers.departed") == 1);
  CHECK(c.counter(0, "mosaik.network.link.closes.received", {{"reason", "departing"}}) == 1);
  CHECK(registry->value("mosaik.network.shutdown.steps_late") == 0);
}

TEST_CASE("sim network: a departure step that never answers holds the shutdown one departure window") {
  sim_cluster c{2, 72};
  auto registry = std::make_shared<metrics::registry>(metrics::network_labels(network_id::from("sim")));
  start_pair(c, registry);
  auto kept = std::make_shared<std::vector<caf::response_promise>>();
  add_departure(c, 1, node::departure_phase::groups, c[1].sys.spawn(silent, kept));
  const auto window = c.config(1).link.departure_window;
  c[1].self->send(c.supervisor_actor(1), net::shutdown{});
  c.run(window - 100ms);
  CHECK(kept->size() == 1);
  CHECK(c.linked(0, 1)); // the later phases wait
  CHECK(registry->value("mosaik.network.shutdown.steps_late") == 0);
  c.run(200ms);
  CHECK(registry->value("mosaik.network.shutdown.steps_late") == 1);
  c.run(2 * window);
  CHECK(reply<bool>(c[1].self) == true);
  CHECK(c.counter(0, "mosaik.network.link.closes.received", {{"reason", "departing"}}) == 1);
  CHECK(c.state(0).metrics->value("mosaik.discovery.peers.departed") == 1);
}

TEST_CASE("sim network: a status contributor that never answers is left out and counted") {
  sim_cluster c{2, 73};
  start_pair(c, nullptr);
  auto kept = std::make_shared<std::vector<caf::response_promise>>();
  auto quiet = c[0].sys.spawn(silent, kept);
  c.own(quiet);
  caf::anon_send(c.node_actor(0), node::add_status_contributor{quiet});
  c.run_messages();
  c[0].self->send(c.supervisor_actor(0), net::get_status{});
  c.run(900ms);
  CHECK(kept->size() == 1);
  CHECK_FALSE(reply<wire::node_status>(c[0].self)); // waits for the quiet one
  c.run(200ms);
  auto s = reply<wire::node_status>(c[0].self);
  REQUIRE(s);
  // Discovery's part came in: its catalog holds node 1.
  REQUIRE(s->catalog.size() == 1);
  CHECK(s->catalog[0].peer == c.peer(1));
  CHECK(s->peer == c.peer(0));
  CHECK(c.counter(0, "mosaik.network.status.parts_missing") == 1);
}

TEST_CASE("sim network: a group a status contributor reports is in the node's status and on the wire") {
  sim_cluster c{2, 74};
  start_pair(c, nullptr);
  wire::group_status group{group_id::from("g"), "leader", c.peer(0), 2, 9, 9, 10, true, {c.peer(1)}};
  auto s = status_with(c, {{group}});
  REQUIRE(s);
  REQUIRE(s->groups.size() == 1);
  CHECK(s->groups[0] == group);
  REQUIRE(s->catalog.size() == 1); // discovery's part is still there
  CHECK(s->catalog[0].peer == c.peer(1));
  auto decoded = codec::decode_status(codec::encode_status(*s));
  REQUIRE(decoded);
  CHECK(decoded->groups == s->groups);
  CHECK(c.counter(0, "mosaik.network.status.parts_missing") == 0);
}

TEST_CASE("sim network: the groups of every contributor come sorted by id with sorted unique bonds") {
  sim_cluster c{2, 75};
  start_pair(c, nullptr);
  std::vector<group_id> ids{group_id::from("a"), group_id::from("b"), group_id::from("c")};
  std::sort(ids.begin(), ids.end());
  auto group = [](group_id id, std::vector<peer_id> bonds) {
    return wire::group_status{id, "follower", std::nullopt, 1, 0, 0, 0, false, std::move(bonds)};
  };
  auto s = status_with(c, {{group(ids[2], {}), group(ids[0], {filled_peer(3), filled_peer(1), filled_peer(3)})},
                           {group(ids[1], {filled_peer(2)})}});
  REQUIRE(s);
  REQUIRE(s->groups.size() == 3);
  CHECK(s->groups[0].id == ids[0]);
  CHECK(s->groups[1].id == ids[1]);
  CHECK(s->groups[2].id == ids[2]);
  CHECK(s->groups[0].bonds == std::vector<peer_id>{filled_peer(1), filled_peer(3)});
  CHECK(codec::decode_status(codec::encode_status(*s)));
}
