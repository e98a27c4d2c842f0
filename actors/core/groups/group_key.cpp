#include "actors/core/groups/group_key.hpp"

#include <sodium.h>

#include <array>
#include <cstdint>

namespace mosaik::groups {

namespace {

std::uint64_t as_u64(millis d) {
  return static_cast<std::uint64_t>(d.count());
}

std::uint64_t as_u64(std::uint64_t v) {
  return v;
}

} // namespace

std::string group_key::masked() const {
  auto raw = secret.view();
  return to_hex(raw.first(1)) + ".." + to_hex(raw.last(1));
}

digest consensus_digest(const consensus_config& c) {
  const std::array<std::uint64_t, 10> fields{
    as_u64(c.heartbeat_interval),      as_u64(c.heartbeat_jitter),
    as_u64(c.max_missed_heartbeats),   as_u64(c.election_timeout),
    as_u64(c.election_timeout_jitter), as_u64(c.bootstrap_delay),
    as_u64(c.forward_timeout),         as_u64(c.member_timeout),
    as_u64(c.min_voters),              as_u64(c.max_voters),
  };
  // Little-endian whatever the host, so every member hashes the same bytes.
  bytes out;
  out.reserve(fields.size() * 8);
  for (auto v : fields)
    for (int shift = 0; shift < 64; shift += 8)
      out.push_back(static_cast<std::uint8_t>(v >> shift));
  return digest::hash(out);
}

group_id derive_group_id(const group_key& key, const consensus_config& consensus,
                         std::string_view machine_signature, const digest& sync_signature,
                         std::span<const digest> validators) {
  auto id = group_id{digest::hash(key.secret.view())}
              .derive(consensus_digest(consensus).view())
              .derive(machine_signature)
              .derive(sync_signature.view());
  for (const auto& v : validators)
    id = id.derive(v.view());
  return id;
}

digest bond_proof(const group_key& key, const digest& binding, const peer_id& sender) {
  return key.secret.derive(binding).derive(sender.view());
}

bool verify_bond_proof(const group_key& key, const digest& binding, const peer_id& sender,
                       const digest& proof) {
  auto expected = bond_proof(key, binding, sender);
  return sodium_memcmp(expected.raw().data(), proof.raw().data(), digest::size) == 0;
}

} // namespace mosaik::groups
