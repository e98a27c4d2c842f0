#include "actors/core/raft/config_change.hpp"

#include <algorithm>

namespace mosaik::raft {

namespace {

constexpr std::size_t base_size = 1 + node_id::size;
constexpr std::size_t bootstrap_size = base_size + 16;

bool contains(const std::vector<node_id>& v, const node_id& id) {
  return std::binary_search(v.begin(), v.end(), id);
}

void insert(std::vector<node_id>& v, const node_id& id) {
  auto it = std::lower_bound(v.begin(), v.end(), id);
  if (it == v.end() || *it != id)
    v.insert(it, id);
}

void erase(std::vector<node_id>& v, const node_id& id) {
  auto it = std::lower_bound(v.begin(), v.end(), id);
  if (it != v.end() && *it == id)
    v.erase(it);
}

} // namespace

bytes encode(const config_change& c) {
  bytes out;
  out.reserve(bootstrap_size);
  out.push_back(static_cast<std::uint8_t>(c.kind));
  out.insert(out.end(), c.node.raw().begin(), c.node.raw().end());
  if (c.kind == change_kind::bootstrap)
    out.insert(out.end(), c.nonce.begin(), c.nonce.end());
  return out;
}

std::optional<config_change> decode_config_change(byte_view data) {
  if (data.empty() || data[0] > static_cast<std::uint8_t>(change_kind::remove))
    return std::nullopt;
  config_change c;
  c.kind = static_cast<change_kind>(data[0]);
  auto expected = c.kind == change_kind::bootstrap ? bootstrap_size : base_size;
  if (data.size() != expected)
    return std::nullopt;
  c.node = *peer_id::from_bytes(data.subspan(1, node_id::size));
  if (c.kind == change_kind::bootstrap)
    std::copy(data.begin() + base_size, data.end(), c.nonce.begin());
  return c;
}

bool is_voter(const configuration& c, const node_id& id) {
  return contains(c.voters, id);
}

bool is_learner(const configuration& c, const node_id& id) {
  return contains(c.learners, id);
}

bool is_member(const configuration& c, const node_id& id) {
  return is_voter(c, id) || is_learner(c, id);
}

configuration apply_entry(const configuration& c, const entry& e) {
  if (e.type != entry_type::config_change)
    return c;
  auto change = decode_config_change(e.data);
  if (!change)
    return c;
  auto next = c;
  const auto& id = change->node;
  switch (change->kind) {
    case change_kind::bootstrap:
      if (!c.lineage.is_zero())
        return c;
      next = configuration{{id}, {}, digest::hash(e.data)};
      break;
    case change_kind::add_learner:
      if (is_member(c, id))
        return c;
      insert(next.learners, id);
      break;
    case change_kind::promote:
      if (!is_learner(c, id))
        return c;
      erase(next.learners, id);
      insert(next.voters, id);
      break;
    case change_kind::demote:
      if (!is_voter(c, id))
        return c;
      erase(next.voters, id);
      insert(next.learners, id);
      break;
    case change_kind::remove:
      erase(next.voters, id);
      erase(next.learners, id);
      break;
  }
  return next;
}

storage_result<configuration> configuration_at(const storage& s, index_t i) {
  auto snap = s.snapshot();
  if (i < snap.index)
    return unexpected{storage_error{storage_errc::compacted, "configuration before the snapshot"}};
  auto config = snap.config;
  if (i == snap.index)
    return config;
  auto ents = s.entries(snap.index + 1, i + 1, ~std::size_t{0});
  if (!ents)
    return unexpected{ents.error()};
  for (const auto& e : *ents)
    config = apply_entry(config, e);
  return config;
}

} // namespace mosaik::raft
