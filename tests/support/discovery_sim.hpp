#pragma once
// A deterministic, message-level simulation of many discovery engines
// (no CAF, no sockets): simulated time, seeded latency and loss, links that
// open after a round trip, partitions and crashes that links notice after a
// timeout. Every message goes through the Cap'n Proto codec, so bytes are
// real and an adversary can inject any bytes over a link.

#include "actors/core/discovery/engine.hpp"
#include "actors/core/discovery/rng.hpp"
#include "tests/support/discovery_sim_options.hpp"

#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <set>
#include <vector>

namespace mosaik::sim {

class discovery_sim {
public:
  using millis = discovery::millis;

  struct traffic {
    std::uint64_t messages = 0;
    std::uint64_t bytes = 0;
  };

  explicit discovery_sim(discovery_sim_options opts);

  std::size_t size() const { return nodes_.size(); }
  /// Current Unix time in the simulation.
  millis now() const { return opts_.epoch + elapsed_; }
  millis elapsed() const { return elapsed_; }

  /// Processes every event up to elapsed time `until`.
  void run_until(millis until);
  void run_for(millis d) { run_until(elapsed_ + d); }
  /// Runs until `done()` holds, checking every `step` of simulated time, for
  /// at most `limit`; returns the elapsed time at which it held.
  std::optional<millis> run_until(const std::function<bool()>& done, millis limit,
                                  millis step = millis{50});

  /// Every live node holds every other live node as a fresh signed peer.
  bool converged() const;
  bool alive(std::size_t i) const { return nodes_[i].state == phase::running; }
  const discovery::engine& node(std::size_t i) const { return *nodes_[i].eng; }
  const peer_id& id(std::size_t i) const { return ids_[i]; }
  std::optional<std::size_t> index_of(const peer_id& peer) const;

  /// Cuts `side` off from everyone else (links notice after link_timeout).
  void partition(const std::vector<std::size_t>& side);
  void heal();
  /// Stops node i without a word.
  void crash(std::size_t i);
  /// Node i sends its departure and leaves after the graceful window.
  void depart(std::size_t i);
  /// Node i changes its local entry now.
  template <class F>
  void update_local(std::size_t i, F&& change) {
    (void)nodes_[i].eng->update_local(now(), std::forward<F>(change));
    dispatch(i);
  }
  /// Delivers `payload` to `to` as if `from` sent it over their link.
  void inject(std::size_t from, std::size_t to, bytes payload);

  const traffic& sent_by(std::size_t i) const { return nodes_[i].sent; }
  std::uint64_t messages_sent() const;
  std::uint64_t decode_failures() const { return decode_failures_; }

private:
  enum class phase { waiting, running, departing, stopped };
  enum class kind { start, wakeup, deliver, connect, link_down, dial_failed, stop, cut_check };

  struct event {
    millis at;
    std::uint64_t seq;
    kind what;
    std::size_t node;          // the node the event happens at
    std::size_t other = 0;     // peer node (deliver: sender)
    std::uint64_t tag = 0;     // wakeup generation or link epoch
    bytes payload;

    bool operator>(const event& o) const { return std::tie(at, seq) > std::tie(o.at, o.seq); }
  };

  struct node_state {
    std::optional<discovery::engine> eng;
    phase state = phase::waiting;
    millis start_at{0};
    std::uint64_t wakeup_gen = 0;
    std::optional<millis> wakeup_at;
    traffic sent;
  };

  using link_key = std::pair<std::size_t, std::size_t>;
  static link_key key(std::size_t a, std::size_t b) { return {std::min(a, b), std::max(a, b)}; }

  void schedule(millis at, kind what, std::size_t node, std::size_t other = 0,
                std::uint64_t tag = 0, bytes payload = {});
  void handle(event& ev);
  void dispatch(std::size_t i);
  void send(std::size_t from, std::size_t to, bytes payload);
  void dial(std::size_t from, const discovery::dial_request& d);
  /// Closes a link. Graceful: what was sent before arrives, then the notice
  /// (a release, ban or departure). Otherwise in-flight messages are lost
  /// and each side learns at its notice time (a crash or a cut).
  void close_link(std::size_t a, std::size_t b, millis notice_a, millis notice_b, bool graceful);
  bool reachable(std::size_t a, std::size_t b) const;
  millis latency();
  discovery::config config_for(std::size_t i) const;

  discovery_sim_options opts_;
  discovery::rng rng_;
  millis elapsed_{0};
  std::uint64_t seq_ = 0;
  std::priority_queue<event, std::vector<event>, std::greater<>> queue_;
  std::vector<node_state> nodes_;
  std::vector<peer_id> ids_;
  std::map<peer_id, std::size_t> by_id_;
  std::map<wire::endpoint, std::size_t, discovery::endpoint_order> by_address_;
  std::map<link_key, std::uint64_t> links_; // link -> epoch
  std::set<std::uint64_t> draining_;         // gracefully closed link epochs
  std::uint64_t next_epoch_ = 1;
  std::map<std::pair<std::size_t, std::size_t>, millis> fifo_; // directed: last delivery
  std::set<std::size_t> cut_;
  bool partitioned_ = false;
  std::uint64_t decode_failures_ = 0;
};

} // namespace mosaik::sim
