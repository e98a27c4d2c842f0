#pragma once
// The node's view of the network (FEATURES.md 4.3): signed entries learned
// from gossip and sync, unsigned entries inserted locally, and our own
// signed entry. Pure: the caller passes the time in.
//
// Rules:
// - Per peer, versions only move forward: an older or equal version never
//   replaces a newer one; a departure blocks every version up to the one it
//   names, so an old announcement cannot resurrect a departed peer.
// - Freshness is measured on our clock: a peer is stale when nothing newer
//   from it arrived for purge_after (the original compared the peer's
//   timestamp with our clock, so skewed peers lived longer or shorter).
// - Every refusal is counted, and charged to the sender that relayed it.
// - Room is shared by policy (admission.hpp): one relayer inserts at most
//   max_peers_per_relayer entries, and a full catalog evicts the entry of
//   lowest standing for a newcomer that outranks it; a linked peer's entry
//   is never evicted.

#include "actors/core/discovery/admission.hpp"
#include "actors/core/discovery/catalog_stats.hpp"
#include "actors/core/discovery/config.hpp"
#include "actors/core/discovery/event.hpp"
#include "actors/core/discovery/penalty_box.hpp"
#include "actors/core/discovery/peer_info.hpp"
#include "actors/core/discovery/rtt_estimator.hpp"
#include "actors/core/discovery/sync_items.hpp"
#include "actors/core/expected.hpp"

#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace mosaik::discovery {

enum class accepted : std::uint8_t {
  discovered, // a peer we did not hold
  updated,    // a newer version with different content
  refreshed,  // a newer version with the same content
};

class catalog {
public:
  /// `local` must be signed by us for cfg's network.
  catalog(config cfg, signed_peer_entry local);

  const signed_peer_entry& me() const { return local_; }
  const peer_id& local_id() const { return local_.peer(); }
  const network_id& network() const { return local_.entry().network(); }
  /// Replaces our own entry by a newer version of it.
  void set_local(signed_peer_entry e);

  /// Validates and upserts a signed entry. `sender` is the link peer it came
  /// from (nullopt for the local API); `age` is how long ago the sender got
  /// it (0 for announcements).
  expected<accepted, rejection> ingest(const signed_peer_entry& e,
                                       const std::optional<peer_id>& sender, millis now,
                                       millis age = millis{0});
  /// Validates and applies a departure; nullopt when the peer was removed.
  std::optional<rejection> ingest_departure(const departure& d,
                                            const std::optional<peer_id>& sender, millis now,
                                            millis age = millis{0});
  /// Counts a refusal decided outside the catalog (undecodable bytes,
  /// unsolicited messages) and charges the sender.
  void penalise(const peer_id& sender, rejection why, millis now);
  bool banned(const peer_id& sender, millis now) const { return penalties_.banned(sender, now); }
  const penalty_box& penalties() const { return penalties_; }

  /// Unsigned entries: local only, never gossiped. Refused for our own id,
  /// another network, an entry over the limits, or a peer we hold signed.
  bool insert_unsigned(peer_entry e);
  bool remove_unsigned(const peer_id& peer) { return unsigned_.erase(peer) > 0; }
  bool clear_unsigned();

  void record_rtt(const peer_id& peer, std::chrono::microseconds sample);
  /// A link to `peer` came up or went down: a linked peer's entry keeps its
  /// place in a full catalog.
  void set_linked(const peer_id& peer, bool linked);

  /// Removes stale peers (an event each), expired departures and idle
  /// penalty accounts.
  void purge(millis now);
  /// When the next signed peer goes stale, if any.
  std::optional<millis> next_expiry() const;

  /// Non-local, non-stale signed peers, then unsigned ones; peers above
  /// max_rtt are hidden (peers without an RTT sample are kept).
  std::vector<peer_info> peers(millis now) const;
  std::vector<peer_info> signed_peers(millis now) const;
  std::vector<peer_info> unsigned_peers() const;
  /// A signed (non-stale) or unsigned peer, subject to max_rtt.
  std::optional<peer_info> get(const peer_id& peer, millis now) const;
  const signed_peer_entry* get_signed(const peer_id& peer, millis now) const;
  /// Signed non-stale plus unsigned peers, without us and without RTT filter.
  std::size_t peers_count(millis now) const;
  /// How long ago the newest version of a signed peer arrived.
  std::optional<millis> age_of(const peer_id& peer, millis now) const;

  /// (peer, version) of us and every non-stale signed peer.
  std::vector<summary_item> summary(millis now) const;
  /// Our entries the holder of `theirs` lacks or holds older.
  std::vector<aged_entry> newer_than(const std::vector<summary_item>& theirs, millis now) const;
  /// Our departures that cover versions the holder of `theirs` still lists.
  std::vector<aged_departure> departures_covering(const std::vector<summary_item>& theirs,
                                                  millis now) const;

  /// Events since the last call, oldest first.
  std::vector<event> take_events();
  /// Senders banned since the last call.
  std::vector<peer_id> take_bans();
  const catalog_stats& stats() const { return stats_; }

private:
  struct record {
    signed_peer_entry entry;
    millis seen_at;
  };
  struct tombstone {
    departure last;
    millis recorded_at;
  };

  bool stale(const record& r, millis now) const { return now - r.seen_at > cfg_.purge_after; }
  bool drifted(std::int64_t their_ms, millis seen_at) const;
  bool ahead(std::int64_t their_ms, millis seen_at) const;
  /// The first cheap check `e` fails (everything but room and signature).
  std::optional<rejection> screen(const peer_entry& e, millis seen_at, millis age) const;
  accepted store(const signed_peer_entry& e, const std::optional<peer_id>& sender, millis seen_at);
  void evict(const peer_id& peer, eviction_reason why);
  rejection refuse(rejection why, const std::optional<peer_id>& sender, millis now);
  bool rtt_hidden(const peer_id& peer) const;
  peer_info info(const record& r, millis now) const;
  peer_info info(const peer_entry& e) const;
  void add_tombstone(const departure& d, millis now);
  void erase_signed(std::map<peer_id, record>::iterator it);

  config cfg_;
  signed_peer_entry local_;
  std::map<peer_id, record> signed_;
  std::set<std::pair<millis, peer_id>> by_seen_; // (seen_at, peer) of signed_, oldest first
  std::map<peer_id, peer_entry> unsigned_;
  std::map<peer_id, tombstone> departed_;
  std::map<peer_id, rtt_estimator> rtt_;
  admission admission_;
  penalty_box penalties_;
  std::vector<event> events_;
  std::vector<peer_id> bans_;
  catalog_stats stats_;
};

} // namespace mosaik::discovery
