#include "tests/unit/groups/engine_cluster.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace mosaik::groups::testing {

peer_id member_id(std::size_t k) {
  peer_id::array_type raw{};
  raw[0] = static_cast<std::uint8_t>(k + 1);
  return peer_id{raw};
}

bytes to_bytes(std::string_view s) { return {s.begin(), s.end()}; }
std::string text(const bytes& b) { return {b.begin(), b.end()}; }

apply_outcome counter_machine::apply(byte_view command, const apply_context& ctx) {
  contexts.push_back(ctx);
  std::string_view c(reinterpret_cast<const char*>(command.data()), command.size());
  log[ctx.index] = std::string(c);
  auto reject = [&](std::string why) -> apply_outcome {
    outcomes[ctx.index] = "!" + why;
    return unexpected{std::move(why)};
  };
  auto space = c.rfind(' ');
  if (!c.starts_with("add ") || space <= 3)
    return reject("bad command");
  std::string key(c.substr(4, space - 4));
  std::int64_t n = 0;
  auto num = c.substr(space + 1);
  if (std::from_chars(num.data(), num.data() + num.size(), n).ec != std::errc{})
    return reject("bad command");
  if (values[key] + n < 0)
    return reject("negative");
  values[key] += n;
  outcomes[ctx.index] = "=" + std::to_string(values[key]);
  return to_bytes(std::to_string(values[key]));
}

expected<bytes, std::string> counter_machine::query(byte_view q) const {
  std::string key(reinterpret_cast<const char*>(q.data()), q.size());
  if (key.starts_with("?"))
    return unexpected{std::string("refused query")};
  auto it = values.find(key);
  return to_bytes(std::to_string(it == values.end() ? 0 : it->second));
}

raft::storage_result<persist_mode> test_persister::persist(const raft::ready& rd) {
  if (fail)
    return unexpected{raft::storage_error{raft::storage_errc::io, "injected failure"}};
  ++persisted;
  entries_per_write.push_back(rd.entries.size());
  if (!queue)
    return inner_.persist(rd);
  if (pending)
    throw std::logic_error("test_persister: a second write while one is queued");
  pending = durable_part(rd);
  return persist_mode::queued;
}

bool test_persister::complete() {
  if (!pending)
    return false;
  auto w = std::move(*pending);
  pending.reset();
  if (auto r = inner_.write(w); !r)
    throw std::logic_error("test_persister: " + r.error().detail);
  return true;
}

engine_cluster::engine_cluster(std::size_t n, std::function<void(engine_config&)> tweak)
  : tweak_(std::move(tweak)) {
  for (std::size_t k = 0; k < n; ++k) {
    members_.push_back(std::make_unique<member>());
    start(k);
  }
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t b = 0; b < n; ++b)
      if (a != b)
        eng(a).bond_up({member_id(b), eng(b).lineage(), eng(b).view().observer}, now_);
  settle();
}

void engine_cluster::start(std::size_t k) {
  auto& m = at(k);
  engine_config cfg;
  cfg.group = group_id::from("engine tests");
  cfg.self = member_id(k);
  cfg.consensus.min_voters = size();
  cfg.consensus.max_voters = 5;
  cfg.tick = tick;
  cfg.seed = 1000 + k + 100 * m.incarnation++; // fresh on every start
  if (tweak_)
    tweak_(cfg);
  auto machine = std::make_unique<counter_machine>();
  m.machine = machine.get();
  auto created = engine::create(cfg, m.store, m.persister, std::move(machine), now_);
  if (!created)
    throw std::runtime_error("engine::create: " + created.error().detail);
  m.eng.emplace(std::move(*created));
  collect(k);
}

void engine_cluster::collect(std::size_t k) {
  auto& m = at(k);
  auto out = m.eng->take_output();
  for (auto& msg : out.messages) {
    auto to = std::find_if(members_.begin(), members_.end(),
                           [&](const auto& other) { return other->eng->raft().id() == msg.to; });
    if (to != members_.end())
      queue_.emplace_back(static_cast<std::size_t>(to - members_.begin()), std::move(msg));
  }
  for (auto& s : out.sync_messages) {
    auto to = std::find_if(members_.begin(), members_.end(),
                           [&](const auto& other) { return other->eng->raft().id() == s.to; });
    if (to != members_.end())
      sync_queue_.push_back({k, static_cast<std::size_t>(to - members_.begin()), std::move(s.msg)});
  }
  for (auto& c : out.completions)
    m.completions.push_back(std::move(c));
  if (out.view)
    m.views.push_back(*out.view);
  for (auto& e : out.errors)
    m.errors.push_back(std::move(e));
}

bool engine_cluster::linked(std::size_t a, std::size_t b) const {
  return !cut_.contains({a, b}) && !cut_.contains({b, a});
}

bool engine_cluster::complete_write(std::size_t k) {
  if (!at(k).persister.complete())
    return false;
  eng(k).persisted(true, now_);
  collect(k);
  return true;
}

void engine_cluster::settle() {
  for (int round = 0; round < 100000; ++round) {
    bool wrote = false;
    for (std::size_t k = 0; k < size(); ++k) {
      wrote = (complete_writes && complete_write(k)) || wrote;
      collect(k);
    }
    if (queue_.empty() && sync_queue_.empty() && !wrote)
      return;
    auto syncs = std::move(sync_queue_);
    sync_queue_.clear();
    for (auto& s : syncs) {
      if (!linked(s.from, s.to))
        continue;
      ++sync_delivered;
      eng(s.to).on_sync(eng(s.from).raft().id(), s.msg, now_);
    }
    auto batch = std::move(queue_);
    queue_.clear();
    for (auto& [to, msg] : batch) {
      auto from = static_cast<std::size_t>(msg.from.raw()[0] - 1);
      if (!linked(from, to) || (drop && drop(msg)))
        continue;
      delivered.push_back(msg);
      eng(to).on_message(msg, now_);
    }
  }
  throw std::runtime_error("engine_cluster: messages still flow after 100000 rounds");
}

void engine_cluster::run_for(millis d) {
  for (auto end = now_ + d; now_ < end;) {
    now_ += tick;
    for (std::size_t k = 0; k < size(); ++k)
      eng(k).tick(now_);
    settle();
  }
}

std::vector<std::size_t> engine_cluster::leaders() const {
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < members_.size(); ++k)
    if (members_[k]->eng->view().role == raft::role::leader)
      out.push_back(k);
  return out;
}

std::size_t engine_cluster::leader() const {
  auto l = leaders();
  if (l.size() != 1)
    throw std::runtime_error("engine_cluster: " + std::to_string(l.size()) + " leaders");
  return l.front();
}

std::size_t engine_cluster::follower() const {
  auto l = leader();
  return l == 0 ? 1 : 0;
}

bool engine_cluster::elect(std::size_t voters, millis max) {
  for (auto end = now_ + max; now_ < end;) {
    run_for(tick);
    auto l = leaders();
    if (l.size() != 1)
      continue;
    const auto& lead = members_[l.front()]->eng->view();
    bool done = lead.voters == voters && lead.commit == lead.last_index;
    for (const auto& m : members_) {
      const auto& v = m->eng->view();
      done = done && v.leader == member_id(l.front()) && v.applied == lead.commit;
    }
    if (done)
      return true;
  }
  return false;
}

const completion* engine_cluster::find(std::size_t k, op_id id) const {
  for (const auto& c : members_.at(k)->completions)
    if (std::visit([](const auto& x) { return x.id; }, c) == id)
      return &c;
  return nullptr;
}

const completion* engine_cluster::wait_for(std::size_t k, op_id id, millis max) {
  settle();
  for (auto end = now_ + max; !find(k, id) && now_ < end;)
    run_for(tick);
  return find(k, id);
}

void engine_cluster::isolate(std::size_t k) {
  for (std::size_t other = 0; other < size(); ++other)
    if (other != k)
      cut(k, other);
}

void engine_cluster::cut(std::size_t a, std::size_t b) { cut_.insert({a, b}); }

void engine_cluster::restart(std::size_t k) {
  eng(k).close(now_);
  collect(k);
  at(k).eng.reset();
  at(k).persister.pending.reset(); // a write not yet durable is lost
  for (std::size_t other = 0; other < size(); ++other)
    if (other != k)
      eng(other).bond_lost(member_id(k), now_);
  start(k);
}

void engine_cluster::bond(std::size_t k) {
  for (std::size_t other = 0; other < size(); ++other) {
    if (other == k)
      continue;
    eng(other).bond_up({member_id(k), eng(k).lineage(), eng(k).view().observer}, now_);
    eng(k).bond_up({member_id(other), eng(other).lineage(), eng(other).view().observer}, now_);
  }
}

std::size_t engine_cluster::delivered_count(std::size_t from, std::string_view kind) const {
  return static_cast<std::size_t>(std::count_if(delivered.begin(), delivered.end(), [&](const auto& m) {
    return m.from == member_id(from) && raft::kind_name(m) == kind;
  }));
}

} // namespace mosaik::groups::testing
