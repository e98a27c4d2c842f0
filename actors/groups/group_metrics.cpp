#include "actors/groups/group_metrics.hpp"

namespace mosaik::groups {

group_metrics::group_metrics(std::shared_ptr<metrics::registry> registry, const group_id& group)
  : registry_(std::move(registry)),
    labels_{{"group", group.short_hex()}},
    messages_sent_(registry_->counter("mosaik.groups.bonds.messages.sent", labels_)),
    messages_received_(registry_->counter("mosaik.groups.bonds.messages.received", labels_)),
    bytes_sent_(registry_->counter("mosaik.groups.bonds.bytes.sent", labels_)),
    bytes_received_(registry_->counter("mosaik.groups.bonds.bytes.received", labels_)),
    elections_(registry_->counter("mosaik.groups.raft.elections", labels_)),
    leader_changes_(registry_->counter("mosaik.groups.raft.leader.changes", labels_)),
    committed_(registry_->gauge("mosaik.groups.raft.committed", labels_)),
    bonds_active_(registry_->gauge("mosaik.groups.bonds.active", labels_)),
    voters_(registry_->gauge("mosaik.groups.raft.committee.voters", labels_)),
    non_voters_(registry_->gauge("mosaik.groups.raft.committee.non_voters", labels_)),
    size_(registry_->gauge("mosaik.groups.raft.committee.size", labels_)),
    sync_started_(registry_->counter("mosaik.groups.sync.sessions.started", labels_)),
    sync_completed_(registry_->counter("mosaik.groups.sync.sessions.completed", labels_)),
    sync_abandoned_(registry_->counter("mosaik.groups.sync.sessions.abandoned", labels_)),
    sync_fetched_(registry_->counter("mosaik.groups.sync.entries.fetched", labels_)),
    sync_from_leader_(registry_->counter("mosaik.groups.sync.entries.from_leader", labels_)),
    sync_timeouts_(registry_->counter("mosaik.groups.sync.fetch.timeouts", labels_)),
    sync_rejected_(registry_->counter("mosaik.groups.sync.batches.rejected", labels_)) {}

void group_metrics::view_changed(const std::optional<group_view>& before, const group_view& now) {
  committed_.set(static_cast<double>(now.commit));
  voters_.set(static_cast<double>(now.voters));
  non_voters_.set(static_cast<double>(now.learners));
  size_.set(static_cast<double>(now.voters + now.learners));
  auto was = [&](raft::role r) { return before && before->role == r; };
  if (now.role == raft::role::candidate && !was(raft::role::candidate))
    elections_.inc();
  if (now.leader && (!before || before->leader != now.leader))
    leader_changes_.inc();
}

void group_metrics::bonds(std::size_t active) {
  bonds_active_.set(static_cast<double>(active));
}

void group_metrics::bond_closed(bond_close_reason why, bool by_us) {
  auto l = labels_;
  l["reason"] = std::string{to_string(why)};
  l["side"] = by_us ? "local" : "remote";
  registry_->counter("mosaik.groups.bonds.closed", l).inc();
}

void group_metrics::message_sent(std::size_t bytes) {
  messages_sent_.inc();
  bytes_sent_.inc(bytes);
}

void group_metrics::message_received(std::size_t bytes) {
  messages_received_.inc();
  bytes_received_.inc(bytes);
}

void group_metrics::dropped(const std::string& why) {
  auto l = labels_;
  l["reason"] = why;
  registry_->counter("mosaik.groups.dropped", l).inc();
}

void group_metrics::split_bootstrap() {
  registry_->counter("mosaik.groups.split_bootstrap", labels_).inc();
}

void group_metrics::sync(const sync_totals& now) {
  auto grow = [](metrics::counter& c, std::uint64_t was, std::uint64_t is) {
    if (is > was)
      c.inc(is - was);
  };
  const auto& was = sync_seen_;
  grow(sync_started_, was.sessions_started, now.sessions_started);
  grow(sync_completed_, was.sessions_completed, now.sessions_completed);
  grow(sync_abandoned_, was.sessions_abandoned, now.sessions_abandoned);
  grow(sync_fetched_, was.entries.entries_fetched, now.entries.entries_fetched);
  grow(sync_from_leader_, was.entries.entries_from_leader, now.entries.entries_from_leader);
  grow(sync_timeouts_, was.entries.fetch_timeouts, now.entries.fetch_timeouts);
  grow(sync_rejected_, was.entries.batches_rejected, now.entries.batches_rejected);
  sync_seen_ = now;
}

} // namespace mosaik::groups
