#pragma once
// One group actor per joined group (spawned by the groups actor,
// groups_actor.hpp). It owns the group's engine (the Raft core and the
// user's machine), its bond table and its store, and drives them:
//  - frames of kind `group` on the group's channel go through the bond
//    table; Raft messages that pass its checks go to the engine;
//  - frames of kind `sync` from established bonds are decoded and go to
//    the engine's state sync (undecodable ones are dropped and counted);
//  - link events and catalog membership (from the groups actor) go to the
//    bond table; bonds that form or end go to the engine;
//  - client operations (group_api.hpp) go to the engine with deadlines;
//  - a timer ticks both every `groups_config::tick`;
// then it carries out what they asked for: frames to the node (Raft and
// sync messages only on established bonds), answers, view changes.
// Its engine's writes go to the node's writer (group_writer.hpp); while one
// is on disk the actor goes on taking inputs, which the next write batches.
// Closing, it answers once the node has taken its departure frames, and
// stops once the write under way is done too.
//
// Bonds are entries of the bond table rather than actors of their own: a
// frame is handled entirely before its handler returns, which is when the
// node grants the link's flow-control credit again, so no mailbox between
// the link and the engine can grow without a bound.
//
// Time is the actor's CAF clock (simulated time under the test
// coordinator), so the same code runs in simulation and for real.

#include "actors/core/expected.hpp"
#include "actors/core/groups/engine.hpp"
#include "actors/core/groups/group_store.hpp"
#include "actors/core/groups/groups_config.hpp"
#include "actors/core/ids/ids.hpp"
#include "actors/core/ids/keys.hpp"
#include "actors/core/wire/status.hpp"
#include "actors/groups/group_api.hpp"
#include "actors/groups/group_persister.hpp"
#include "actors/groups/group_writer.hpp"
#include "actors/groups/group_setup.hpp"
#include "actors/metrics/registry.hpp"
#include "actors/node/node_api.hpp"

#include <caf/fwd.hpp>

#include <memory>
#include <optional>
#include <string>

namespace mosaik::groups {

/// Whether a peer's signed entry lists the group (from the groups actor).
struct member_update {
  peer_id peer;
  bool lists_group = false;
};

/// A group asks the groups actor for a link to a peer it should bond with.
struct want_link {
  peer_id peer;
};

/// The groups actor asks each group for its line of the node's status.
struct report_status {};

struct group_spawn {
  group_setup setup;
  group_id id;
  network_id network;
  peer_id self;
  groups_config cfg;
  std::uint64_t seed = 0;
  std::shared_ptr<metrics::registry> metrics;
};

/// What a group actor runs: its store, the persister that writes to it, the
/// engine over them and the sink the engine logs to (the engine refers to
/// the last three).
struct group_core {
  std::shared_ptr<group_store> store;
  std::unique_ptr<group_persister> persister;
  std::unique_ptr<raft::log_sink> sink;
  std::optional<engine> eng;
};

/// A group's line of the node's status.
wire::group_status status_of(const group_id& id, const group_view& v, std::vector<peer_id> bonds);

/// Opens the engine of `spawn` over `store`; an error when the store's
/// state does not load.
expected<group_core, std::string> open_group_core(const group_spawn& spawn,
                                                  std::unique_ptr<group_store> store, millis now);

/// Spawns the actor of one group, linked to `parent` (the groups actor,
/// which gets its want_link messages). It registers itself with the node as
/// the handler of its channel, and writes through `writer`.
group_handle spawn_group(caf::local_actor* parent, node::node_handle node, writer_handle writer,
                         group_spawn spawn, group_core core);

} // namespace mosaik::groups

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::groups::member_update)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::groups::want_link)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::groups::report_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::wire::group_status)
