#pragma once
// The bonds of one group on one member (FEATURES 6.3, 6.4), without
// transport: which peers to bond with, the proof handshake, liveness, and
// the check that every Raft message on a bond comes from the bond's peer.
// The group actor feeds link and catalog changes, decoded bond messages and
// ticks, and carries out take_output().
//
// Who starts: a bond is wanted with every peer that is linked (the link
// proved its id and gives the channel binding) and whose signed entry lists
// the group. The side with the smaller peer id sends the hello at once; the
// other waits `handshake_timeout` for it and then sends its own, so a side
// whose catalog lags still bonds. Hellos that cross: the smaller id's hello
// wins, so both sides end with one bond.
//
// Liveness: every `heartbeat_interval - U[0, jitter)` a tick counts a miss
// when nothing arrived for `interval + jitter`; `max_missed_heartbeats`
// misses close the bond (timeout). A tick pings only when nothing was sent
// since the previous one: Raft traffic doubles as liveness.

#include "actors/core/groups/consensus_config.hpp"
#include "actors/core/groups/group_key.hpp"
#include "actors/core/groups/messages.hpp"
#include "actors/core/groups/time.hpp"
#include "actors/core/ids/ids.hpp"
#include "actors/core/ids/keys.hpp"
#include "actors/core/rng.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mosaik::groups {

struct bond_settings {
  network_id network;
  group_id group;
  group_key key;
  peer_id self;
  millis handshake_timeout{2000};
  consensus_config consensus;
  std::uint64_t seed = 0;
  /// This node's leadership preference (announced in the handshake).
  bool observer = false;
  bool reluctant = false;
};

struct bond_up {
  peer_id peer;
  digest lineage;
  /// The peer's announced preference.
  bool observer = false;
  bool reluctant = false;
};

struct bond_down {
  peer_id peer;
  bond_close_reason reason = bond_close_reason::unspecified;
  /// The peer left the group for good (a departure), rather than failing.
  bool departed = false;
  std::string detail;
};

/// A handshake this side refused, or a bond it closed, and why.
struct bond_refusal {
  peer_id peer;
  bond_close_reason reason = bond_close_reason::unspecified;
  std::string detail;
};

struct bond_outgoing {
  peer_id to;
  bond_message msg;
};

struct bond_output {
  std::vector<bond_outgoing> messages;
  std::vector<bond_up> ups;
  std::vector<bond_down> downs;
  /// Peers to bond with that this table has no link to: members of the
  /// group (asked again on every tick) and peers a bonded peer named (mesh
  /// completion). The actor dials them, at its own pace.
  std::vector<peer_id> wanted;
  /// Handshakes refused or bonds closed by this side.
  std::vector<bond_refusal> refused;
};

/// Dropped Raft messages, by why.
struct bond_stats {
  std::uint64_t not_bonded = 0;     // from a peer without an established bond
  std::uint64_t forged_sender = 0;  // `from` or `to` not the bond's ends
  std::uint64_t bonds_formed = 0;
};

class bond_table {
public:
  explicit bond_table(bond_settings s);

  /// The lineage hellos and welcomes announce, and split detection
  /// compares with (the engine's, zero while it holds no log).
  void set_lineage(const digest& lineage) { lineage_ = lineage; }

  void link_up(const peer_id& peer, const digest& binding, millis now);
  void link_down(const peer_id& peer, millis now);
  /// Whether the peer's signed catalog entry lists the group.
  void member_seen(const peer_id& peer, bool lists_group, millis now);

  /// A bond message from `from` (the link's authenticated peer). A Raft
  /// message that passes the checks is returned for the engine.
  std::optional<raft::message> on_message(const peer_id& from, bond_message msg, millis now);
  /// Raft traffic was sent to `peer` (counts as liveness for pings).
  void note_sent(const peer_id& peer);
  void tick(millis now);
  /// Departure on every established bond; every bond ends.
  void depart();

  bond_output take_output();
  /// When tick() must run next.
  millis next_tick() const { return next_tick_; }

  bool established(const peer_id& peer) const;
  std::vector<peer_id> bonded() const;
  const bond_stats& stats() const { return stats_; }

private:
  enum class phase : std::uint8_t { idle, hello_sent, established };

  struct bond {
    digest binding;
    phase state = phase::idle;
    millis since{0};                // when the current phase began
    millis last_received{0};
    std::uint32_t missed = 0;
    bool sent_since_tick = false;
    millis retry_after{0};          // no hello before this
  };

  void maybe_start(const peer_id& peer, bond& b, millis now);
  void send_hello(const peer_id& peer, bond& b, millis now);
  void on_hello(const peer_id& from, bond& b, const bond_hello& h, millis now);
  void on_welcome(const peer_id& from, bond& b, const bond_welcome& w, millis now);
  /// The lineage check both ends of a handshake make.
  std::optional<std::string> lineage_conflict(const digest& theirs) const;
  template <class Greeting>
  void establish(const peer_id& peer, bond& b, const Greeting& g, millis now);
  /// Ends the bond (telling the peer why when `tell`); it may be retried
  /// after the handshake timeout.
  void close(const peer_id& peer, bond& b, bond_close_reason why, std::string detail, bool tell,
             millis now);
  void ended(bond& b, bond_down down, millis now);
  void announce_formed(const peer_id& peer);
  void want(const std::vector<peer_id>& peers);
  void send(const peer_id& to, bond_message m);
  millis tick_interval();

  bond_settings s_;
  rng rng_;
  digest lineage_;
  std::map<peer_id, bond> bonds_; // one per linked peer
  std::set<peer_id> members_;     // peers whose entry lists the group
  bool departed_ = false;
  millis next_tick_{0};
  bond_stats stats_;
  bond_output out_;
};

} // namespace mosaik::groups
