// Clients of the replicated key-value store: each runs one operation at a
// time against a random live node (writes and compare-and-set through
// propose, strong reads through read_index) and records invocation and
// answer in logical time for the linearizability checker.

#include "tests/sim/cluster.hpp"

namespace mosaik::sim {

namespace {

constexpr sim_time op_timeout_ms = 10'000;

} // namespace

void cluster::on_client(std::size_t c, std::uint64_t generation) {
  auto& cl = clients_[c];
  if (generation != cl.generation)
    return;
  if (cl.op) {
    // No answer in time: a write may still happen, a read just failed.
    auto op = *cl.op;
    complete(op, ops_[op].kind == register_op::kind::read ? op_record::status::failed
                                                         : op_record::status::unknown);
    return;
  }
  if (!healing_ || !cl.final_done)
    issue(c);
}

void cluster::issue(std::size_t c) {
  auto& cl = clients_[c];
  auto target = pick([&](const sim_node& n) { return n.up(); });
  ++cl.generation;
  if (!target) {
    schedule(now_ + 500, event::kind::client, c, cl.generation);
    return;
  }
  auto& n = *nodes_[*target];
  op_record rec;
  rec.client = c;
  rec.node = n.idx;
  rec.key = static_cast<std::uint32_t>(rng_.below(profile_.keys));
  auto r = rng_.below(10);
  rec.kind = r < 4 ? register_op::kind::write : r < 7 ? register_op::kind::cas : register_op::kind::read;
  if (healing_)
    rec.kind = register_op::kind::write; // after healing, a new write must commit
  rec.value = (std::uint64_t{c + 1} << 40) | ++cl.counter;
  rec.expected = cl.seen[rec.key];
  rec.call = ++clock_;
  auto op = ops_.size();
  ops_.push_back(rec);
  cl.op = op;
  schedule(now_ + op_timeout_ms, event::kind::client, c, cl.generation);
  // A paused process finds the request in its queue when it resumes, in
  // any order with the messages that arrived meanwhile.
  auto at = n.paused(now_) ? n.paused_until + rng_.below(5) : now_;
  schedule(at, event::kind::request, op, n.tick_epoch);
}

void cluster::on_request(std::size_t op, std::uint64_t epoch) {
  auto& rec = ops_[op];
  auto& n = *nodes_[rec.node];
  if (rec.st != op_record::status::pending)
    return;
  if (!n.up() || n.tick_epoch != epoch)
    return complete(op, op_record::status::failed); // never reached the node
  if (n.paused(now_)) {
    schedule(n.paused_until + rng_.below(5), event::kind::request, op, epoch);
    return;
  }
  auto id = next_request_++;
  if (rec.kind == register_op::kind::read) {
    n.reads[id] = op;
    n.raft->read_index(id);
  } else {
    n.proposals[id] = op;
    auto kind = rec.kind == register_op::kind::cas ? kv_op::cas : kv_op::write;
    n.raft->propose(id, encode(kv_command{op + 1, kind, rec.key, rec.expected, rec.value}));
  }
  drain(n);
}

void cluster::on_proposal(sim_node& n, const raft::proposal_event& e) {
  auto it = n.proposals.find(e.id);
  if (it == n.proposals.end())
    return;
  auto op = it->second;
  using o = raft::proposal_outcome;
  using st = op_record::status;
  switch (e.outcome) {
    case o::accepted:
      ops_[op].index = e.index;
      return;
    case o::committed: {
      auto result = n.results.find(op + 1);
      if (ops_[op].kind == register_op::kind::write)
        complete(op, st::ok);
      else if (result == n.results.end())
        complete(op, st::unknown); // applied through a snapshot: result unseen
      else
        complete(op, result->second ? st::ok : st::cas_failed);
      if (result != n.results.end())
        n.results.erase(result);
      break;
    }
    case o::no_leader:
    case o::dropped:
    case o::leader_changed:
      complete(op, st::failed);
      break;
    case o::unknown:
      complete(op, st::unknown);
      break;
  }
  n.proposals.erase(it);
}

void cluster::on_read(sim_node& n, const raft::read_state& r) {
  auto it = n.reads.find(r.id);
  if (it == n.reads.end())
    return;
  auto op = it->second;
  n.reads.erase(it);
  if (r.outcome != raft::read_outcome::ready)
    return complete(op, op_record::status::failed);
  // diss. §6.4: serve once the state machine has applied the read index.
  ops_[op].index = r.index;
  n.reads_waiting.push_back({r.index, op});
  serve_reads(n);
}

void cluster::serve_reads(sim_node& n) {
  std::erase_if(n.reads_waiting, [&](const auto& w) {
    if (w.first > n.kv_applied)
      return false;
    ops_[w.second].value = n.kv.get(ops_[w.second].key);
    complete(w.second, op_record::status::ok);
    return true;
  });
}

void cluster::complete(std::size_t op, op_record::status st) {
  auto& rec = ops_[op];
  if (rec.st != op_record::status::pending)
    return;
  rec.st = st;
  using s = op_record::status;
  if (st != s::unknown)
    rec.ret = ++clock_;
  if (st == s::ok || st == s::cas_failed) {
    ++(rec.kind == register_op::kind::read ? report_.reads : report_.ops_ok);
    if (st == s::ok)
      clients_[rec.client].seen[rec.key] = rec.value;
  } else {
    ++(st == s::failed ? report_.ops_failed : report_.ops_unknown);
  }
  auto& cl = clients_[rec.client];
  if (healing_ && st == s::ok && rec.kind == register_op::kind::write)
    cl.final_done = true;
  if (cl.op != op)
    return;
  cl.op.reset();
  ++cl.generation;
  if (!healing_ || !cl.final_done)
    schedule(now_ + rng_.below(200), event::kind::client, rec.client, cl.generation);
}

void cluster::abandon_ops(sim_node& n) {
  for (const auto& [id, op] : n.proposals)
    complete(op, op_record::status::unknown);
  for (const auto& [id, op] : n.reads)
    complete(op, op_record::status::failed);
  for (const auto& [index, op] : n.reads_waiting)
    complete(op, op_record::status::failed);
  n.proposals.clear();
  n.reads.clear();
  n.reads_waiting.clear();
}

} // namespace mosaik::sim
