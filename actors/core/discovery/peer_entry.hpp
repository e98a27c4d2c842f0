#pragma once
// What a node advertises about itself (FEATURES.md 4.1): its peer id and
// network, where it listens, its tags, the streams it produces, the groups it
// has joined and its tickets, at a version. Every set is ordered, so the
// signing bytes are canonical.
//
// Content mutators return true when the content changed and never touch the
// version; the owner (the announcer) bumps and re-signs once per change.

#include "actors/core/discovery/endpoint_order.hpp"
#include "actors/core/discovery/entry_version.hpp"
#include "actors/core/discovery/limits.hpp"
#include "actors/core/discovery/rejection.hpp"
#include "actors/core/discovery/ticket.hpp"
#include "actors/core/discovery/time.hpp"
#include "actors/core/ids/digest.hpp"
#include "actors/core/ids/ids.hpp"
#include "actors/core/ids/keys.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mosaik::discovery {

class peer_entry {
public:
  using address_set = std::set<wire::endpoint, endpoint_order>;
  using ticket_map = std::map<unique_id, ticket>;

  peer_entry() = default;
  peer_entry(std::string protocol, network_id network, peer_id peer, entry_version version)
    : protocol_(std::move(protocol)), network_(network), peer_(peer), version_(version) {}

  const std::string& protocol() const { return protocol_; }
  const network_id& network() const { return network_; }
  const peer_id& peer() const { return peer_; }
  const entry_version& version() const { return version_; }
  const address_set& addresses() const { return addresses_; }
  const std::set<tag>& tags() const { return tags_; }
  const std::set<stream_id>& streams() const { return streams_; }
  const std::set<group_id>& groups() const { return groups_; }
  const ticket_map& tickets() const { return tickets_; }
  std::vector<ticket> tickets_of(const unique_id& ticket_class) const;

  bool add_address(wire::endpoint e) { return addresses_.insert(std::move(e)).second; }
  bool remove_address(const wire::endpoint& e) { return addresses_.erase(e) > 0; }
  bool add_tag(const tag& t) { return tags_.insert(t).second; }
  bool remove_tag(const tag& t) { return tags_.erase(t) > 0; }
  bool add_stream(const stream_id& s) { return streams_.insert(s).second; }
  bool remove_stream(const stream_id& s) { return streams_.erase(s) > 0; }
  bool add_group(const group_id& g) { return groups_.insert(g).second; }
  bool remove_group(const group_id& g) { return groups_.erase(g) > 0; }
  /// Keyed by ticket.id(); adding the same ticket twice is a no-op.
  bool add_ticket(ticket t);
  bool remove_ticket(const unique_id& ticket_id) { return tickets_.erase(ticket_id) > 0; }
  bool remove_tickets_of(const unique_id& ticket_class);
  /// Drops every ticket of t's class, then adds t.
  bool replace_ticket(ticket t);

  void set_version(entry_version v) { version_ = v; }
  /// update := max(update, now) + 1; start is kept (FEATURES.md 4.1).
  void bump_version(millis now);

  /// Equal in everything but the version.
  bool same_content(const peer_entry& other) const;

  /// The canonical encoding that signatures cover.
  bytes signing_bytes() const;
  /// BLAKE2b-256 of the signing bytes; what the peer signs.
  digest content_digest() const { return digest::hash(signing_bytes()); }

  friend bool operator==(const peer_entry&, const peer_entry&) = default;

private:
  std::string protocol_;
  network_id network_;
  peer_id peer_;
  entry_version version_;
  address_set addresses_;
  std::set<tag> tags_;
  std::set<stream_id> streams_;
  std::set<group_id> groups_;
  ticket_map tickets_;
};

/// The first limit `e` breaks, if any.
std::optional<rejection> check_limits(const peer_entry& e, const limits& lim);

} // namespace mosaik::discovery
