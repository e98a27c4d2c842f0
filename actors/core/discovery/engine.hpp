#pragma once
// The whole of discovery for one node, without transport: the catalog, the
// announcer, the gossip peer set and catalog sync. A thin actor drives it:
// it feeds link events, decoded messages and timer ticks with the current
// time, then carries out `take_output()` (send, dial, release, ban, publish
// events) and wakes the engine again at `next_wakeup()`.
//
// Spreading: every accepted announcement is forwarded once to `fanout`
// random gossip peers (deduplication is the catalog's per-peer version: an
// entry is accepted, hence forwarded, at most once per version). Our own
// entry is pushed to every gossip peer on each change and heartbeat.
// Entries learned by sync are not forwarded: they are old news.

#include "actors/core/discovery/announcer.hpp"
#include "actors/core/discovery/catalog.hpp"
#include "actors/core/discovery/catalog_sync.hpp"
#include "actors/core/discovery/engine_stats.hpp"
#include "actors/core/discovery/gossip_links.hpp"
#include "actors/core/discovery/output.hpp"

#include <map>
#include <set>

namespace mosaik::discovery {

class engine {
public:
  engine(config cfg, const network_id& network, secret_key key, peer_entry::address_set addresses,
         millis now);

  // Inputs from the node: `sender` is the authenticated peer of the link.
  void tick(millis now);
  /// `address` is where the peer listens, if the link layer knows it (it
  /// tells which bootstrap address a peer answers at).
  void on_link_up(const peer_id& peer, millis now,
                  const std::optional<wire::endpoint>& address = std::nullopt);
  void on_link_down(const peer_id& peer, millis now);
  void on_dial_failed(const peer_id& peer, millis now);
  void on_message(const peer_id& sender, const message& msg, millis now);
  /// The sender's bytes did not decode: it is penalised.
  void on_malformed(const peer_id& sender, millis now);
  void on_rtt(const peer_id& peer, std::chrono::microseconds sample) {
    catalog_.record_rtt(peer, sample);
  }

  // The local entry. Each change re-signs and is announced at once.
  template <class F>
  expected<bool, rejection> update_local(millis now, F&& change) {
    if (departed_)
      return false;
    auto changed = announcer_.update(now, rng_, std::forward<F>(change));
    if (changed && *changed)
      publish_local();
    return changed;
  }
  expected<bool, rejection> add_tags(const std::vector<tag>& tags, millis now);
  expected<bool, rejection> remove_tags(const std::vector<tag>& tags, millis now);

  // The catalog API.
  /// Upserts a signed entry (verified); true when it was new or newer.
  bool feed(const signed_peer_entry& e, millis now);
  bool insert_unsigned(peer_entry e) { return catalog_.insert_unsigned(std::move(e)); }
  bool remove_unsigned(const peer_id& peer) { return catalog_.remove_unsigned(peer); }
  /// Best-effort dials; the links that come up are synced.
  void dial(const std::vector<wire::endpoint>& addresses);
  /// A catalog exchange with `peer`, over a new link if needed; the outcome
  /// arrives in output().syncs.
  void sync_with(const peer_id& peer, millis now);
  /// Sends a signed departure on every link and stops announcing.
  void depart(millis now);

  output take_output();
  /// When tick() must run next (millis::max() once departed).
  millis next_wakeup() const;

  const discovery::catalog& catalog() const { return catalog_; }
  const signed_peer_entry& me() const { return catalog_.me(); }
  const gossip_links& links() const { return links_; }
  const engine_stats& stats() const { return stats_; }
  bool departed() const { return departed_; }

private:
  struct link_state {
    bool synced = false; // our request was answered (or gave up)
    bool served = false; // we answered theirs
    bool released = false;
  };

  void publish_local();
  void send(const peer_id& to, message msg);
  void forward(std::vector<signed_peer_entry> entries, const std::optional<peer_id>& except);
  void on_announce(const peer_id& sender, const announce& a, millis now);
  void on_departure(const peer_id& sender, const departure& d, millis now);
  void on_sync_request(const peer_id& sender, const sync_request& req, millis now);
  void on_sync_chunk(const peer_id& sender, const sync_chunk& chunk, millis now);
  void start_sync(const peer_id& peer, millis now);
  void finish_sync(const peer_id& peer, bool completed);
  void dial_failed(const peer_id& peer, dial_reason why);
  void maybe_release(const peer_id& peer, millis now);
  void maintain(millis now);
  void dial_peers(millis now);
  void dial_bootstrap(millis now);
  void collect();

  config cfg_;
  rng rng_;
  announcer announcer_;
  discovery::catalog catalog_;
  gossip_links links_;
  catalog_sync sync_;
  std::map<peer_id, link_state> link_states_;
  struct bootstrap_address {
    millis next_dial{0};
    std::optional<peer_id> peer; // who answered there, once a link told us
  };

  std::map<wire::endpoint, bootstrap_address, endpoint_order> bootstrap_;
  millis next_maintenance_;
  bool departed_ = false;
  engine_stats stats_;
  output out_;
};

} // namespace mosaik::discovery
