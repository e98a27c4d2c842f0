// The event loop of the simulation: ticks, deliveries, clients and chaos in
// simulated time, the liveness phase and the final checks.

#include "tests/sim/cluster.hpp"

#include "actors/core/raft/config_change.hpp"
#include "schemas/codec/raft_codec.hpp"

#include <algorithm>
#include <cstdio>

namespace mosaik::sim {

const std::vector<std::string>& known_bugs() {
  static const std::vector<std::string> bugs{"commit-previous-term", "forget-vote-on-restart",
                                             "stale-read", "connected-quorum", "endless-ready",
                                             "restore-matching-snapshot"};
  return bugs;
}

std::string sim_node::name() const {
  return "n" + std::to_string(idx) + "(" + id.short_hex() + ")";
}

cluster::cluster(const sim_options& opts) : opts_(opts), rng_(opts.seed) {
  sink_.now = &now_;
  bugs_.commit_previous_term = opts.bug == "commit-previous-term";
  bugs_.stale_read = opts.bug == "stale-read";
  bugs_.connected_quorum = opts.bug == "connected-quorum";
  bugs_.restore_matching_snapshot = opts.bug == "restore-matching-snapshot";
  bugs_.forget_vote_on_restart = opts.bug == "forget-vote-on-restart";
  bugs_.endless_ready = opts.bug == "endless-ready";

  // Always draw, so --nodes K replays a seed whose drawn size was K.
  static constexpr std::size_t sizes[] = {3, 5, 7};
  auto drawn = sizes[rng_.below(3)];
  auto voters = opts.voters ? opts.voters : drawn;
  auto observers = rng_.below(3);
  auto spares = rng_.below(3);
  report_.voters = voters;
  report_.observers = observers;

  // Swarm testing (TigerBeetle's VOPR): each seed draws its own fault mix.
  profile_.drop = rng_.chance(0.5) ? rng_.unit() * 0.2 : 0;
  profile_.duplicate = rng_.chance(0.5) ? rng_.unit() * 0.05 : 0;
  profile_.delay_mean = rng_.between(1, 50);
  profile_.partitions = rng_.chance(0.7);
  profile_.crashes = rng_.chance(0.7);
  profile_.pauses = rng_.chance(0.5);
  profile_.churn = rng_.chance(0.5);
  profile_.leader_churn = rng_.chance(0.5);
  profile_.leader_crash = 0.1 + rng_.unit() * 0.5;
  profile_.compact_every = rng_.between(20, 200);
  profile_.compact_chance = rng_.chance(0.5) ? rng_.unit() * 0.2 : 0;
  profile_.sync_delay_max = rng_.chance(0.2) ? 0 : rng_.between(1000, 30000);
  profile_.sync_race = 0.5 + rng_.unit() * 0.5;
  profile_.sync_pauses_leader = rng_.unit() * 0.5;
  profile_.keys = rng_.between(1, 5);
  profile_.clients = rng_.between(2, 5);
  member_timeout_ticks_ = rng_.between(100, 400);
  min_voters_ = rng_.chance(0.5) ? 1 : voters / 2 + 1;
  max_append_bytes_ = rng_.chance(0.3) ? 0 : 1u << 20;
  static constexpr std::size_t inflight[] = {1, 4, 64};
  max_inflight_ = inflight[rng_.below(3)];

  auto total = voters + observers + spares;
  for (std::size_t i = 0; i < total; ++i) {
    auto n = std::make_unique<sim_node>();
    n->idx = i;
    peer_id::array_type raw;
    for (auto& b : raw)
      b = static_cast<std::uint8_t>(rng_.next());
    n->id = peer_id{raw};
    n->observer = i >= voters && i < voters + observers;
    // Some nodes keep far more log than others: a leader that did not
    // compact past a follower replicates to it while it fetches a snapshot.
    bool lazy = rng_.chance(0.3);
    n->compact_every = profile_.compact_every * (lazy ? 10 : 1);
    n->compact_chance = lazy ? 0 : profile_.compact_chance;
    nodes_.push_back(std::move(n));
  }
  side_.assign(total, 0);
  clients_.resize(profile_.clients);
}

raft::config cluster::node_config(const sim_node& n) const {
  raft::config cfg;
  cfg.id = n.id;
  cfg.ticks.member_timeout = static_cast<std::uint32_t>(member_timeout_ticks_);
  cfg.preference = n.observer ? raft::leadership::observer() : raft::leadership::normal();
  // Nodes that join the existing group later (spares, wiped rejoins) must
  // not bootstrap a group of their own if they start cut off: like etcd's
  // initial-cluster-state=existing, they only wait to be added.
  bool late = n.idx >= report_.voters + report_.observers || n.generation > 0;
  cfg.min_voters = late ? nodes_.size() + 1 : min_voters_;
  cfg.max_voters = report_.voters;
  cfg.max_append_bytes = max_append_bytes_;
  cfg.max_inflight = max_inflight_;
  cfg.rng_seed = opts_.seed * 1000003 + n.idx * 7919 + n.incarnation * 104729 + n.generation;
  cfg.bugs = bugs_;
  if (opts_.verbose)
    cfg.sink = &sink_;
  return cfg;
}

void cluster::schedule(sim_time at, event::kind k, std::uint64_t a, std::uint64_t b) {
  queue_.push(event{at, seq_++, k, a, b});
}

void cluster::violation(std::string what) {
  if (report_.ok) {
    report_.ok = false;
    report_.violation = std::move(what);
  }
}

void cluster::stderr_sink::write(raft::log_level, std::string_view line) {
  std::fprintf(stderr, "[%8.3f] raft %.*s\n", static_cast<double>(*now) / 1000.0,
               static_cast<int>(line.size()), line.data());
}

void cluster::dump() const {
  if (!opts_.verbose)
    return;
  for (const auto& n : nodes_) {
    std::string line = n->name() + " state=" + std::to_string(static_cast<int>(n->state));
    if (n->up()) {
      auto st = n->raft->status();
      line += " role=" + std::string(raft::to_string(st.soft.role)) + " term="
              + std::to_string(st.soft.term) + " commit=" + std::to_string(st.hard.commit)
              + " last=" + std::to_string(st.last_index) + " applied="
              + std::to_string(n->kv_applied) + " first=" + std::to_string(n->store.first_index())
              + " voters=" + std::to_string(st.config.voters.size()) + " learners="
              + std::to_string(st.config.learners.size()) + " bonds="
              + std::to_string(n->bonds.size());
      for (const auto& [peer, p] : st.progress)
        line += " [" + peer.short_hex() + " " + std::string(raft::to_string(p.state)) + " match="
                + std::to_string(p.match) + " next=" + std::to_string(p.next) + " inflight="
                + std::to_string(p.in_flight) + "]";
    }
    note(line);
  }
}

void cluster::note(const std::string& line) const {
  if (opts_.verbose)
    std::fprintf(stderr, "[%8.3f] %s\n", static_cast<double>(now_) / 1000.0, line.c_str());
}

run_report cluster::run() {
  auto initial = report_.voters + report_.observers;
  for (std::size_t i = 0; i < initial; ++i)
    start(*nodes_[i]);
  for (std::size_t c = 0; c < clients_.size(); ++c)
    schedule(5000 + rng_.below(1000), event::kind::client, c, 0);
  schedule(0, event::kind::chaos);
  while (report_.ok && report_.steps < opts_.steps && step())
    ++report_.steps;
  if (report_.ok)
    liveness_phase();
  if (report_.ok)
    check_linearizability();
  report_.sim_seconds = static_cast<double>(now_) / 1000.0;
  report_.commits = checker_.max_committed();
  report_.trace = trace_.value();
  return report_;
}

bool cluster::step() {
  if (queue_.empty())
    return false;
  auto e = queue_.top();
  queue_.pop();
  now_ = e.at;
  switch (e.k) {
    case event::kind::tick: on_tick(e.a, e.b); break;
    case event::kind::deliver: on_deliver(e.a); break;
    case event::kind::client: on_client(e.a, e.b); break;
    case event::kind::chaos: on_chaos(); break;
    case event::kind::crash: on_crash(e.a, e.b); break;
    case event::kind::request: on_request(e.a, e.b); break;
    case event::kind::sync: on_sync(e.a, e.b); break;
  }
  if (!checker_.ok())
    violation(*checker_.violation());
  return true;
}

void cluster::on_tick(std::size_t i, std::uint64_t epoch) {
  auto& n = *nodes_[i];
  if (!n.up() || epoch != n.tick_epoch)
    return;
  schedule(now_ + tick_ms, event::kind::tick, i, epoch);
  if (n.paused(now_))
    return;
  n.raft->tick();
  drain(n);
}

void cluster::on_deliver(std::uint64_t id) {
  auto it = in_flight_.find(id);
  if (it == in_flight_.end())
    return;
  auto& to = *nodes_[it->second.to];
  if (!to.up())
    return void(in_flight_.erase(it));
  if (to.paused(now_)) {
    // A paused process finds its messages waiting when it resumes.
    schedule(to.paused_until + rng_.below(5), event::kind::deliver, id);
    return;
  }
  auto env = std::move(it->second);
  in_flight_.erase(it);
  if (!connected(env.from, env.to)) {
    ++report_.faults.dropped;
    return;
  }
  raft::message m;
  if (opts_.codec) {
    auto decoded = codec::decode_raft_message(env.encoded);
    if (!decoded)
      return violation("codec: a message did not decode: " + decoded.error().detail);
    m = std::move(*decoded);
  } else {
    m = std::move(env.msg);
  }
  if (m.to != to.id) {
    // Sent to the identity this slot had before a wipe: that peer is gone.
    ++report_.faults.dropped;
    return;
  }
  trace_.add(env.from * 64 + env.to);
  trace_.add(m.body.index());
  trace_.add(m.term);
  if (env.attached)
    to.offered = std::move(env.attached);
  to.raft->step(m);
  drain(to);
  finish_syncs_in_window(to);
}

std::optional<std::size_t> cluster::leader() const {
  std::optional<std::size_t> out;
  raft::term_t best = 0;
  for (const auto& n : nodes_) {
    if (n->up() && !n->paused(now_) && n->soft.role == raft::role::leader && n->soft.term >= best) {
      best = n->soft.term;
      out = n->idx;
    }
  }
  return out;
}

bool cluster::converged(std::string& why) const {
  auto l = leader();
  if (!l) {
    why = "no leader";
    return false;
  }
  const auto& lead = *nodes_[*l];
  auto status = lead.raft->status();
  if (lead.raft->committed() != status.last_index) {
    why = "leader " + lead.name() + " has uncommitted entries";
    return false;
  }
  for (const auto& n : nodes_) {
    if (!n->up())
      continue;
    if (!raft::is_member(status.config, n->id)) {
      why = n->name() + " is alive but not a member";
      return false;
    }
    if (n->kv_applied != lead.raft->committed()) {
      why = n->name() + " applied " + std::to_string(n->kv_applied) + " of "
            + std::to_string(lead.raft->committed());
      return false;
    }
  }
  for (const auto& op : ops_) {
    if (op.st == op_record::status::pending) {
      why = "an operation is still pending";
      return false;
    }
  }
  for (const auto& cl : clients_) {
    if (!cl.final_done) {
      why = "a write issued after healing has not committed";
      return false;
    }
  }
  return true;
}

bool cluster::liveness_phase() {
  // Heal everything (TigerBeetle's liveness mode): no new faults, every
  // crashed node restarts; each client gets one new write committed, then
  // stops.
  healing_ = true;
  heal_all();
  auto healed = now_;
  auto election = sim_time{20 + 5} * tick_ms;
  std::optional<sim_time> leader_at;
  std::string why;
  while (report_.ok && step()) {
    ++report_.steps;
    if (!leader_at && leader())
      leader_at = now_;
    if (!leader_at && now_ > healed + 10 * election) {
      violation("liveness: no leader within 10 election timeouts after healing");
      return false;
    }
    if (converged(why))
      return true;
    if (now_ > healed + 120'000) {
      dump();
      violation("liveness: not converged 120 s after healing: " + why);
      return false;
    }
  }
  return report_.ok;
}

void cluster::check_linearizability() {
  std::map<std::uint32_t, std::vector<register_op>> per_key;
  for (std::size_t k = 0; k < ops_.size(); ++k) {
    const auto& op = ops_[k];
    using st = op_record::status;
    if (op.st == st::failed || op.st == st::pending)
      continue;
    register_op r{op.kind, op.call, op.st == st::unknown ? never : op.ret, op.value, op.expected,
                  op.st != st::cas_failed, k};
    per_key[op.key].push_back(r);
  }
  for (const auto& [key, history] : per_key) {
    auto verdict = check_register(history);
    if (verdict.v == lin_result::verdict::violation) {
      for (std::size_t k = 0; k < ops_.size(); ++k) {
        const auto& op = ops_[k];
        if (op.key != key)
          continue;
        note("key " + std::to_string(key) + " op #" + std::to_string(k) + " client "
             + std::to_string(op.client) + " node n" + std::to_string(op.node) + " kind "
             + std::to_string(static_cast<int>(op.kind)) + " value " + std::to_string(op.value)
             + " expected " + std::to_string(op.expected) + " status "
             + std::to_string(static_cast<int>(op.st)) + " index " + std::to_string(op.index)
             + " [" + std::to_string(op.call) + ", "
             + (op.ret == never ? std::string("?") : std::to_string(op.ret)) + "]");
      }
    }
    if (verdict.v == lin_result::verdict::violation)
      return violation("linearizability: key " + std::to_string(key) + ": " + verdict.detail);
    if (verdict.v == lin_result::verdict::inconclusive)
      ++report_.lin_inconclusive;
  }
}

run_report run_simulation(const sim_options& opts) {
  cluster c(opts);
  return c.run();
}

} // namespace mosaik::sim
