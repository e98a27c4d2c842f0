#pragma once
// Who gets a place in a full catalog. An attacker relaying 4,096 self-signed
// entries once filled the catalog and honest newcomers were refused (issue
// 10); now what one link can insert is bounded and a full catalog evicts by
// policy instead of refusing.
//
// - Each entry is charged to its relayer: the link peer it first came from
//   (nullopt: the local API). A link peer holds at most `per_relayer`
//   entries; the local API and the entries of linked peers are exempt.
// - Standing, highest first: the entry's peer is linked to us; it was
//   verified within `recent` (a live peer re-signs every announce interval,
//   a one-shot flood does not); its relayer holds fewer entries; it was
//   verified later.
// - When the catalog is full a newcomer displaces the entry of lowest
//   standing if it outranks it, and is refused otherwise (a tie keeps the
//   incumbent). Entries of linked peers are never evicted.
// Pure: the caller passes the time in.

#include "actors/core/discovery/time.hpp"
#include "actors/core/ids/keys.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

namespace mosaik::discovery {

/// The link peer an entry first came from; nullopt for the local API.
using relayer = std::optional<peer_id>;

struct standing {
  bool linked = false;
  bool recent = false;
  std::size_t relayer_load = 0; // entries its relayer holds, itself included
  millis verified_at{0};
};

/// Why an entry lost its place (the first key of `standing` that decided).
enum class eviction_reason : std::uint8_t {
  linked_peer,  // the newcomer is a linked peer's entry
  not_recent,   // the newcomer was verified recently, the victim was not
  relayer_load, // the victim's relayer holds more entries
  older,        // the victim was verified longer ago
};

inline constexpr std::size_t eviction_reason_count =
  static_cast<std::size_t>(eviction_reason::older) + 1;

std::string_view to_string(eviction_reason r);

/// Why `a` outranks `b`; nullopt when it does not (equal standing included).
std::optional<eviction_reason> outranks(const standing& a, const standing& b);

class admission {
public:
  admission(std::size_t capacity, std::size_t per_relayer, millis recent)
    : capacity_(capacity), per_relayer_(per_relayer), recent_(recent) {}

  struct verdict {
    enum class kind : std::uint8_t { admit, evict, over_quota, full };
    kind what = kind::admit;
    std::optional<peer_id> victim;              // kind::evict
    eviction_reason why = eviction_reason::older; // kind::evict
  };
  /// What taking in a new entry of `peer`, relayed by `by` and verified at
  /// `verified_at`, would cost. Changes nothing.
  verdict judge(const peer_id& peer, const relayer& by, millis verified_at, millis now) const;

  void add(const peer_id& peer, const relayer& by, millis verified_at);
  /// A newer version of a held entry was verified.
  void refresh(const peer_id& peer, millis verified_at);
  void remove(const peer_id& peer);
  void link_up(const peer_id& peer);
  void link_down(const peer_id& peer);

  std::size_t size() const { return slots_.size(); }
  /// Entries charged to `by`.
  std::size_t load(const relayer& by) const;
  bool linked(const peer_id& peer) const { return linked_.contains(peer); }

private:
  struct slot {
    relayer by;
    millis verified_at;
  };
  struct relayer_entries {
    std::size_t load = 0;
    std::set<std::pair<millis, peer_id>> evictable; // unlinked, oldest first
  };
  struct candidate {
    peer_id peer;
    relayer by;
    standing rank;
  };

  /// The entry of lowest standing, if any entry may be evicted.
  std::optional<candidate> lowest(millis now) const;
  bool recent(millis verified_at, millis now) const { return now - verified_at <= recent_; }

  std::size_t capacity_;
  std::size_t per_relayer_;
  millis recent_;
  std::map<peer_id, slot> slots_;
  std::map<relayer, relayer_entries> relayers_;
  std::set<peer_id> linked_; // link peers, whether or not we hold their entry
};

} // namespace mosaik::discovery
