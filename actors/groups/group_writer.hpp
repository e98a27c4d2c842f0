#pragma once
// The node's writer: one actor per node makes the writes of all its groups
// durable (group commit). A group's engine queues the write of a ready
// (group_persister.hpp) and goes on taking inputs; the writer takes every
// write that is in its mailbox, commits them together
// (store_provider::commit: one durable transaction on LMDB) and answers
// each group once its write is durable, or with the storage error that
// failed it (a failing write fails only its own group). Writes that arrive
// while a commit waits for the disk go into the next one.
//
// On a provider whose commits block (LMDB) it runs on a thread of its own;
// on memory it is an ordinary actor, so the simulation runs it
// deterministically (and a simulated crash loses the writes still in its
// mailbox, as a real one loses what was not yet durable).
//
// Metrics: mosaik.groups.writer.commits (transactions) and
// mosaik.groups.writer.writes (group writes in them).

#include "actors/core/groups/group_store.hpp"
#include "actors/groups/group_persister.hpp"
#include "actors/metrics/registry.hpp"

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <memory>

namespace mosaik::groups {

/// Answers a write_job with true once it is durable.
using writer_handle = caf::typed_actor<caf::replies_to<write_job>::with<bool>>;

/// Spawns the writer, linked to `parent` (the groups actor).
writer_handle spawn_group_writer(caf::local_actor* parent, std::shared_ptr<store_provider> stores,
                                 std::shared_ptr<metrics::registry> metrics);

} // namespace mosaik::groups

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::groups::write_job)
