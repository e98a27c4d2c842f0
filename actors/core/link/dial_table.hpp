#pragma once
// The node's standing intentions to keep links to addresses: bootstrap
// addresses (persistent) and the addresses of peers it learned or lost
// (learned, bounded, given up after a number of failures in a row). Each is
// re-dialled with backoff until linked. A pure table: the node actor feeds
// it what happened to its dials and links, and carries out `take_output()`
// (connect, arm a retry timer, log what was given up).
//
// A dial has at most one connection at a time: it connects only from
// `waiting`, and returns there only after its connection failed or its link
// went down. Inputs from a connection therefore name the dial only; timers
// name the dial and its attempt, so a timer of an older attempt is ignored.

#include "actors/core/link/backoff.hpp"
#include "actors/core/link/peer_address.hpp"
#include "actors/core/wire/handshake.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <vector>

namespace mosaik::link {

struct dial_output {
  struct connect {
    std::uint64_t dial;
    wire::endpoint to;
  };
  /// Call on_retry_timer(dial, attempt) after `delay`.
  struct retry {
    std::uint64_t dial;
    std::uint64_t attempt;
    duration delay;
  };
  struct given_up {
    peer_address address;
    bool self_connection; // else: `failures` attempts in a row failed
    unsigned failures;
  };

  std::vector<connect> connects;
  std::vector<retry> retries;
  std::vector<given_up> forgotten;
  std::size_t refused = 0; // learned addresses not taken: the table of them is full

  bool empty() const { return connects.empty() && retries.empty() && forgotten.empty() && refused == 0; }
};

class dial_table {
public:
  struct entry {
    enum class phase { waiting, connecting, handshaking, linked };

    peer_address address;
    bool persistent = false;
    link::backoff backoff;
    phase current = phase::waiting;
    std::uint64_t attempt = 0;           // its retry timer carries it
    unsigned failures = 0;               // in a row
    std::optional<peer_id> answered;     // who answered the attempt's hello
    std::optional<peer_id> linked_peer;
  };

  explicit dial_table(const link_config& cfg = {});

  // -- inputs --------------------------------------------------------------
  /// Keeps dialling `address`. An address already in the table only gains
  /// the peer id and persistence; a learned one is refused when the table
  /// of learned addresses is full.
  void add(const peer_address& address, bool persistent);
  void on_retry_timer(std::uint64_t dial, std::uint64_t attempt);
  /// The connection of a dial is open: its handshake is under way.
  void on_connected(std::uint64_t dial);
  /// The peer answered the dial's hello (its id is known now).
  void on_answered(std::uint64_t dial, const peer_id& peer);
  /// The connection or its handshake failed: retry, or give up.
  void on_failed(std::uint64_t dial, wire::close_reason reason, std::mt19937_64& rng);
  /// The dial's handshake completed: the link is up.
  void on_linked(std::uint64_t dial, const peer_id& peer);
  /// A link is up, whoever dialled it.
  void on_link_up(const peer_id& peer);
  /// A link ended: the dial that served it (or one for the same peer or
  /// address) retries, or a dial for the lost peer starts.
  void on_link_down(const peer_id& peer, const wire::endpoint& address, wire::close_reason reason,
                    std::mt19937_64& rng);
  /// The node departs: nothing is dialled from now on.
  void depart() { departed_ = true; }

  dial_output take_output();

  // -- queries -------------------------------------------------------------
  /// The address of a dial; nullptr when it is gone.
  const peer_address* address(std::uint64_t dial) const;
  /// True when one of our dials is in its handshake with `peer`.
  bool handshaking_with(const peer_id& peer) const;
  /// True when a persistent dial keeps the link to `peer`.
  bool pins(const peer_id& peer) const;
  const std::map<std::uint64_t, entry>& entries() const { return dials_; }
  std::size_t size() const { return dials_.size(); }
  bool empty() const { return dials_.empty(); }

private:
  void start(std::uint64_t id, entry& d);
  void retry(std::uint64_t id, entry& d, std::mt19937_64& rng);
  std::size_t learned() const;

  backoff_config reconnect_;
  std::size_t max_learned_;
  unsigned max_failures_;
  std::map<std::uint64_t, entry> dials_;
  std::uint64_t next_id_ = 1;
  std::set<peer_id> linked_;
  bool departed_ = false;
  dial_output out_;
};

} // namespace mosaik::link
