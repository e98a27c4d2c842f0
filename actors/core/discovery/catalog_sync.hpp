#pragma once
// Catalog sync (FEATURES.md 4.6, made incremental): when a link comes up
// each side sends a summary of (peer, version) pairs it holds, and the other
// answers in bounded chunks with only the entries the requester lacks or
// holds older, plus departures that cover what it still lists. Each entry is
// verified on its own, so one bad entry does not void the rest.

#include "actors/core/discovery/catalog.hpp"
#include "actors/core/discovery/messages.hpp"

#include <map>
#include <optional>
#include <vector>

namespace mosaik::discovery {

class catalog_sync {
public:
  explicit catalog_sync(const config& cfg);

  /// A request to send to `peer`; nullopt while one is already pending.
  std::optional<sync_request> start(const peer_id& peer, const catalog& cat, millis now);
  /// The chunks answering `req`; the last one has `last` set.
  std::vector<sync_chunk> answer(const sync_request& req, const catalog& cat, millis now) const;
  /// Matches a chunk with the pending request to `peer`: true when it was the
  /// last one (the sync is complete), or why the chunk is refused.
  expected<bool, rejection> on_chunk(const peer_id& peer, const sync_chunk& chunk);
  /// Drops the pending request to `peer`; true when there was one.
  bool cancel(const peer_id& peer) { return pending_.erase(peer) > 0; }
  /// Peers whose request timed out (and is dropped).
  std::vector<peer_id> expire(millis now);

  bool pending(const peer_id& peer) const { return pending_.contains(peer); }
  std::optional<millis> next_deadline() const;

private:
  struct request {
    std::uint64_t id;
    millis deadline;
    std::size_t chunks = 0;
  };

  std::size_t chunk_entries_;
  std::size_t max_chunks_;
  millis timeout_;
  std::uint64_t next_id_ = 1;
  std::map<peer_id, request> pending_;
};

} // namespace mosaik::discovery
