#pragma once
// What the streams actor (the router) and the producer and consumer actors
// of one node say to each other. Local only: none of it is announced.

#include "actors/core/ids/keys.hpp"
#include "actors/core/streams/conditions.hpp"
#include "actors/core/streams/messages.hpp"

#include <caf/allowed_unsafe_message_type.hpp>

#include <memory>
#include <optional>
#include <vector>

namespace mosaik::streams {

/// A decoded message of the stream's channel from `from`, sent as a
/// request: answering it frees the link's credit. `peer` is the sender's
/// catalog entry, if the catalog has one.
struct stream_input {
  peer_id from;
  stream_message msg;
  std::optional<peer_description> peer;
};

/// The signed peers of the catalog, after every change.
struct catalog_changed {
  std::shared_ptr<const std::vector<peer_description>> peers;
};

/// A consumer's message to a producer, through the router (which learns
/// from it which consumer owns a subscription).
struct consumer_send {
  peer_id to;
  stream_id stream;
  stream_message msg;
};

/// A consumer wants a link to `peer` (to subscribe, or for an RTT sample).
struct want_link {
  peer_id peer;
};

/// A producer did not know this node: sync catalogs with it.
struct want_catalog_sync {
  peer_id peer;
};

} // namespace mosaik::streams

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::stream_input)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::catalog_changed)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::consumer_send)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::want_link)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mosaik::streams::want_catalog_sync)
